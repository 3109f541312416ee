/**
 * A one-line progress bar for long CLI runs, such as collecting usage across accounts and regions.
 *
 * On a terminal the line is redrawn in place; anywhere else (a pipe, a CI log, a file) nothing
 * but `log` lines and the final summary is written, without a single escape code or '\r'.
 * There is no timer: the line changes only when the caller calls tick, setTotal or log, so a
 * forgotten `done` cannot keep the process alive. Write it to stderr, not to the data on stdout.
 */
import { displayWidth, renderBar, toSingleLine, truncate } from './table.js';

/** What the bar needs of a stream; `process.stderr` fits. */
export interface ProgressStream {
  write(chunk: string): unknown;
  /** Falsy: not a terminal, so no bar is drawn. */
  isTTY?: boolean;
  /** Terminal width, read at every redraw so a resize is followed. */
  columns?: number;
}

export interface ProgressOptions {
  stream: ProgressStream;
  label: string;
  /** Number of steps. 0 means not known yet: a bare count, no bar, percent or ETA until setTotal. */
  total: number;
  /** Milliseconds from a monotonic clock; defaults to `performance.now()`. */
  now?: () => number;
}

export interface Progress {
  /** Counts `delta` more steps done. `detail` (e.g. the region just read) shows until the next tick. */
  tick(delta?: number, detail?: string): void;
  setTotal(total: number): void;
  /** Prints `line` (without its newline) above the bar; the bar is drawn again below it. */
  log(line: string): void;
  /** Removes the bar and prints `summary` if given. Later ticks are ignored; later logs print plainly. */
  done(summary?: string): void;
}

/** Shortest time between two redraws caused by tick or setTotal. */
export const REDRAW_INTERVAL_MS = 100;
/** Width assumed when the stream does not report its columns. */
export const DEFAULT_COLUMNS = 80;
const BAR_WIDTH = 10;
/** Fewer free columns than this and the detail is left out rather than shown as a lone '…'. */
const MIN_DETAIL_WIDTH = 4;
/** Carriage return, then erase the whole line (ECMA-48 EL 2). */
const CLEAR_LINE = '\r\x1b[2K';

export function createProgress(options: ProgressOptions): Progress {
  const { stream } = options;
  const now = options.now ?? (() => performance.now());
  const tty = stream.isTTY === true;
  const label = toSingleLine(options.label);
  const start = now();
  let total = checkTotal(options.total);
  let current = 0;
  let detail: string | undefined;
  let lastDraw = start;
  let finished = false;

  const draw = (): void => {
    lastDraw = now();
    stream.write(CLEAR_LINE + renderLine(lastDraw - start));
  };

  const renderLine = (elapsed: number): string => {
    // One column spare: some terminals wrap as soon as the last column is written, and a wrapped
    // line can no longer be redrawn in place.
    const width = Math.max(
      1,
      (stream.columns !== undefined && stream.columns > 1 ? stream.columns : DEFAULT_COLUMNS) - 1,
    );
    const fraction = total > 0 ? current / total : null;
    let eta: string | undefined;
    if (fraction !== null) {
      if (current <= 0) eta = 'eta --:--';
      else if (current >= total) eta = `eta ${formatDuration(0)}`;
      else eta = `eta ${formatDuration(Math.ceil(((elapsed / current) * (total - current)) / 1000) * 1000)}`;
    }
    // [text, rank]: when the line is too wide, parts are dropped by rank, 1 (ETA) first; 0 stays.
    const parts: [string | undefined, number][] = [
      [label, 0],
      [fraction === null ? undefined : `[${renderBar(Math.min(fraction, 1), BAR_WIDTH)}]`, 3],
      [fraction === null ? `${current}` : `${current}/${total}`, 0],
      [fraction === null ? undefined : `${Math.floor(fraction * 100)}%`, 4],
      [formatDuration(elapsed), 2],
      [eta, 1],
    ];
    let head = '';
    for (let level = 0; level <= 4; level++) {
      head = parts
        .filter(([text, rank]) => text !== undefined && (rank === 0 || rank > level))
        .map(([text]) => text)
        .join(' ');
      if (displayWidth(head) <= width) {
        const room = width - displayWidth(head) - 1;
        return detail !== undefined && detail !== '' && room >= MIN_DETAIL_WIDTH
          ? `${head} ${truncate(detail, room)}`
          : head;
      }
    }
    return truncate(head, width);
  };

  if (tty) draw();

  return {
    tick(delta = 1, tickDetail) {
      if (!Number.isFinite(delta)) throw new RangeError(`delta must be a finite number, got ${delta}`);
      if (finished) return;
      const before = current;
      current += delta;
      detail = tickDetail === undefined ? undefined : toSingleLine(tickDetail);
      // Reaching the total is always drawn, so a slow last step after it does not show 399/400.
      const completes = total > 0 && before < total && current >= total;
      if (tty && (completes || now() - lastDraw >= REDRAW_INTERVAL_MS)) draw();
    },
    setTotal(n) {
      total = checkTotal(n);
      if (tty && !finished && now() - lastDraw >= REDRAW_INTERVAL_MS) draw();
    },
    log(line) {
      if (tty && !finished) {
        stream.write(`${CLEAR_LINE}${line}\n`);
        draw();
      } else {
        stream.write(`${line}\n`);
      }
    },
    done(summary) {
      if (tty && !finished) stream.write(CLEAR_LINE);
      finished = true;
      if (summary !== undefined) stream.write(`${summary}\n`);
    },
  };
}

/**
 * Formats a duration as mm:ss below an hour ("00:12") and h:mm:ss from an hour ("1:02:03").
 * Partial seconds are dropped; a negative duration (a clock that stepped back) is 00:00, and a
 * non-finite one "--:--".
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '--:--';
  const seconds = Math.floor(Math.max(ms, 0) / 1000);
  const two = (n: number): string => String(n).padStart(2, '0');
  const hours = Math.floor(seconds / 3600);
  const rest = `${two(Math.floor(seconds / 60) % 60)}:${two(seconds % 60)}`;
  return hours > 0 ? `${hours}:${rest}` : rest;
}

function checkTotal(total: number): number {
  if (!Number.isFinite(total) || total < 0) {
    throw new RangeError(`total must be a finite number of at least 0, got ${total}`);
  }
  return total;
}
