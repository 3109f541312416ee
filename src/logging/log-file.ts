/**
 * The daily log file: `<dir>/headroom.<yyyy-MM-dd>.<n>.log`, one JSON object per line, through
 * pino-roll in the main thread. pino-roll deletes old files only when it rolls over at midnight,
 * which a short CLI run never reaches, so files older than the retention are also deleted here at
 * startup.
 */
import { once } from 'node:events';
import { mkdir, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import pinoRoll, { type RollingStream } from 'pino-roll';
import { EnvironmentError } from '../domain/errors.js';

export const LOG_FILE_BASE = 'headroom';

const LOG_FILE_NAME = /^headroom\.(\d{4})-(\d{2})-(\d{2})\.\d+\.log$/;
const DAY_MS = 86_400_000;

export interface LogFile {
  /** The file written now. */
  readonly path: string;
  write(line: string): void;
  /** Writes what is buffered and closes the file. */
  close(): Promise<void>;
}

export interface LogFileOptions {
  readonly dir: string;
  /** Days of files kept, today's included. */
  readonly retentionDays: number;
  /** Told once when the file fails after opening (disk full…); the file is then left alone. */
  readonly onError: (error: Error, path: string) => void;
  readonly now?: Date;
}

function unwritable(dir: string, error: unknown): EnvironmentError {
  const code =
    (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
  return new EnvironmentError('HR_LOG_UNWRITABLE', `cannot write log files in ${dir} (${code})`, {
    hint: 'make the directory writable, or point home (HEADROOM_HOME) at one that is',
    cause: error,
  });
}

/**
 * Deletes log files dated before the retention window: with 14 days, today's and the 13 days
 * before stay. Other files in the directory are left alone. Best effort.
 */
export async function pruneLogFiles(dir: string, retentionDays: number, now = new Date()): Promise<string[]> {
  const today = new Date(now.getFullYear(), now.getMonth(), now.getDate()).getTime();
  const oldestKept = today - (retentionDays - 1) * DAY_MS;
  const removed: string[] = [];
  for (const name of await readdir(dir).catch(() => [])) {
    const match = LOG_FILE_NAME.exec(name);
    if (match === null) continue;
    const [, year, month, day] = match.map(Number);
    if (year === undefined || month === undefined || day === undefined) continue;
    if (new Date(year, month - 1, day).getTime() < oldestKept) {
      await unlink(join(dir, name)).then(
        () => removed.push(name),
        () => undefined,
      );
    }
  }
  return removed;
}

/**
 * Opens today's log file under `dir` (created if missing), after deleting expired ones.
 *
 * @throws EnvironmentError `HR_LOG_UNWRITABLE` when the directory or file cannot be written.
 */
export async function openLogFile(options: LogFileOptions): Promise<LogFile> {
  const { dir, retentionDays, onError } = options;
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    throw unwritable(dir, error);
  }
  await pruneLogFiles(dir, retentionDays, options.now);

  let stream: RollingStream;
  try {
    stream = await pinoRoll({
      file: join(dir, LOG_FILE_BASE),
      frequency: 'daily',
      dateFormat: 'yyyy-MM-dd',
      extension: '.log',
      limit: { count: retentionDays, removeOtherLogFiles: true },
      mkdir: true,
    });
    if (stream.fd < 0) await once(stream, 'ready');
  } catch (error) {
    throw unwritable(dir, error);
  }

  let failed = false;
  stream.on('error', (error: Error) => {
    if (failed) return;
    failed = true;
    onError(error, stream.file);
  });

  let closing: Promise<void> | undefined;
  return {
    get path() {
      return stream.file;
    },
    write(line) {
      if (failed || closing !== undefined || stream.destroyed) return;
      stream.write(line);
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        if (stream.destroyed) {
          resolve();
          return;
        }
        stream.once('close', () => {
          resolve();
        });
        stream.once('error', () => {
          resolve();
        });
        stream.end();
      });
      return closing;
    },
  };
}
