/**
 * Plain-text tables and utilization bars for terminal output.
 *
 * Display width is counted in code points: a surrogate pair (an emoji, say) is one, a combining
 * mark is one more, and East Asian wide characters are one although a terminal draws them two
 * cells wide. That is good enough for the ASCII-heavy AWS names this tool prints; a column that
 * holds wide characters will look slightly misaligned, never broken.
 */

export interface Column {
  /** Property of the row to show. */
  key: string;
  header: string;
  /** Defaults to 'right' when every non-empty value in the column is a number, else 'left'. */
  align?: 'left' | 'right';
  /** Turns a value into cell text. Not called for null or undefined: those are always '-'. */
  format?: (value: unknown, row: Record<string, unknown>) => string;
  /** Longer cells (header included) are cut to this width, ending in '…'. An integer >= 1. */
  maxWidth?: number;
}

export interface TableOptions {
  /**
   * Width of the whole table, usually the terminal's columns. Left-aligned columns are narrowed,
   * widest first and not below {@link MIN_FITTED_WIDTH}, until the table fits. Right-aligned
   * columns (numbers) are never cut to fit, so a table with little text may still be wider.
   */
  maxWidth?: number;
}

/** Text shown for null and undefined. */
export const EMPTY_CELL = '-';
/** Narrowest a left-aligned column is made to fit `TableOptions.maxWidth`. */
export const MIN_FITTED_WIDTH = 4;
const SEPARATOR = '  ';
const ELLIPSIS = '…';

/** Width of `text` on screen, counting each code point (a surrogate pair once) as 1. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const _ of text) width++;
  return width;
}

/** Cuts `text` to at most `maxWidth` code points, the last of them '…' when anything was cut. */
export function truncate(text: string, maxWidth: number): string {
  assertWidth(maxWidth, 'maxWidth');
  const points = Array.from(text);
  if (points.length <= maxWidth) return text;
  return points.slice(0, maxWidth - 1).join('') + ELLIPSIS;
}

/**
 * Makes `text` safe to print on one terminal line: tabs and line breaks become spaces, and any
 * other control character (ESC above all, which could restyle or move the cursor) becomes '�'.
 * Resource names and tags come from AWS accounts the operator may not control.
 */
export function toSingleLine(text: string): string {
  return text.replace(/[\t\n\v\f\r]/g, ' ').replace(/\p{Cc}/gu, '\uFFFD');
}

/**
 * Renders `rows` as aligned columns separated by two spaces, under a header line. Every line ends
 * in '\n' and has no trailing spaces. No rows gives the header line alone; no columns gives ''.
 */
export function renderTable(
  columns: readonly Column[],
  rows: readonly Record<string, unknown>[],
  options: TableOptions = {},
): string {
  if (columns.length === 0) return '';
  if (options.maxWidth !== undefined) assertWidth(options.maxWidth, 'options.maxWidth');

  const layout = columns.map((column) => {
    if (column.maxWidth !== undefined) assertWidth(column.maxWidth, `maxWidth of column ${column.key}`);
    const cells = rows.map((row) => cellText(column, row));
    const header = toSingleLine(column.header);
    // reduce, not Math.max(...cells): spreading a large result set would overflow the stack.
    const natural = cells.reduce((max, cell) => Math.max(max, displayWidth(cell)), displayWidth(header));
    return {
      align: column.align ?? inferAlign(rows.map((row) => row[column.key])),
      width: Math.min(natural, column.maxWidth ?? natural),
      header,
      cells,
    };
  });

  if (options.maxWidth !== undefined) {
    const tableWidth = () =>
      layout.reduce((sum, c) => sum + c.width, 0) + SEPARATOR.length * (layout.length - 1);
    while (tableWidth() > options.maxWidth) {
      const widest = layout
        .filter((c) => c.align === 'left' && c.width > MIN_FITTED_WIDTH)
        .reduce<(typeof layout)[number] | undefined>((a, c) => (a && a.width >= c.width ? a : c), undefined);
      if (!widest) break;
      widest.width--;
    }
  }

  const line = (pick: (column: (typeof layout)[number]) => string): string =>
    layout
      .map((column) => {
        const full = pick(column);
        // A column can be 0 wide (empty header, empty cells), which truncate would reject.
        const text = displayWidth(full) > column.width ? truncate(full, column.width) : full;
        const pad = ' '.repeat(column.width - displayWidth(text));
        return column.align === 'right' ? pad + text : text + pad;
      })
      .join(SEPARATOR)
      .replace(/ +$/, '') + '\n';

  return line((c) => c.header) + rows.map((_, i) => line((c) => c.cells[i] ?? '')).join('');
}

/**
 * A bar of `width` cells showing `fraction` (0–1) filled with '█', the rest '░'. Any usage above
 * zero shows at least one '█', and the bar is only full at 1 or more, so neither a nearly idle
 * nor a nearly exhausted quota is drawn as the other. Above 1 it is full and followed by '!'.
 * Null or NaN (no limit known) gives `width` spaces; a fraction below 0 draws as 0.
 */
export function renderBar(fraction: number | null, width = 10): string {
  assertWidth(width, 'width');
  if (fraction === null || Number.isNaN(fraction)) return ' '.repeat(width);
  let filled = Math.round(Math.min(Math.max(fraction, 0), 1) * width);
  if (fraction > 0 && filled === 0) filled = 1;
  else if (fraction < 1 && filled === width && width > 1) filled = width - 1;
  return '█'.repeat(filled) + '░'.repeat(width - filled) + (fraction > 1 ? '!' : '');
}

function cellText(column: Column, row: Record<string, unknown>): string {
  const value = row[column.key];
  if (value === null || value === undefined) return EMPTY_CELL;
  return toSingleLine(column.format ? column.format(value, row) : defaultText(value));
}

function defaultText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') {
    return String(value);
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  const json = JSON.stringify(value) as unknown; // undefined for a function or symbol, despite its type
  return typeof json === 'string' ? json : '';
}

function inferAlign(values: readonly unknown[]): 'left' | 'right' {
  const present = values.filter((value) => value !== null && value !== undefined);
  const numeric = present.every((value) => typeof value === 'number' || typeof value === 'bigint');
  return present.length > 0 && numeric ? 'right' : 'left';
}

function assertWidth(width: number, name: string): void {
  if (!Number.isInteger(width) || width < 1) {
    throw new RangeError(`${name} must be an integer of at least 1, got ${width}`);
  }
}
