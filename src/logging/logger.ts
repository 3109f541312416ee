/**
 * headroom's logger: pino writing each entry to stderr (a human line, or JSON) and to a daily
 * file (JSON), each at its own level. Secrets are redacted by key and scrubbed from every line
 * before it is written (`scrub.ts`). The CLI awaits `close()` before it exits.
 */
import { pino, type Logger, type StreamEntry } from 'pino';
import { LOG_LEVELS, type LogLevel } from './levels.js';
import { openLogFile, type LogFile } from './log-file.js';
import { formatPretty } from './pretty.js';
import { REDACT_PATHS, REDACTED, scrubSecrets } from './scrub.js';

export type { LogLevel } from './levels.js';

export interface LoggerOptions {
  /** What reaches stderr. */
  readonly level: LogLevel;
  /** What reaches the file. */
  readonly fileLevel: LogLevel;
  /** Where the daily files go (`<home>/logs`); null for none. */
  readonly logDir: string | null;
  /** Days of files kept, today's included. */
  readonly retentionDays: number;
  /** Default: `process.stderr`. */
  readonly stderr?: NodeJS.WritableStream;
  /** `pretty` (default): `12:03:04 WARN  message key=value`; `json`: pino's line as is. */
  readonly stderrFormat?: 'pretty' | 'json';
}

export interface HeadroomLogger {
  readonly logger: Logger;
  /** The file written now, or null. */
  readonly file: string | null;
  /** Writes what the file has buffered and closes it; later entries reach stderr only. */
  readonly close: () => Promise<void>;
}

type WrittenLevel = Exclude<LogLevel, 'silent'>;

function lowest(levels: readonly WrittenLevel[]): LogLevel {
  return LOG_LEVELS.find((level) => levels.includes(level as WrittenLevel)) ?? 'silent';
}

/**
 * Creates the logger for one run.
 *
 * @throws EnvironmentError `HR_LOG_UNWRITABLE` when `logDir` cannot be written.
 * @example
 * const { logger, close } = await createLogger({
 *   level: config.log.level,
 *   fileLevel: config.log.fileLevel,
 *   logDir: join(config.home, 'logs'),
 *   retentionDays: config.log.retentionDays,
 * });
 * logger.info({ targets: 12 }, 'sweep started');
 * await close();
 */
/**
 * Mark an entry `{ [IN_RESULT]: true }` when the function logging it also returns the same fact
 * to its caller: it goes to the log file, not to the terminal.
 */
export const IN_RESULT = 'inResult';

export async function createLogger(options: LoggerOptions): Promise<HeadroomLogger> {
  const stderr = options.stderr ?? process.stderr;
  const pretty = (options.stderrFormat ?? 'pretty') === 'pretty';
  const streams: StreamEntry<WrittenLevel>[] = [];

  if (options.level !== 'silent') {
    streams.push({
      level: options.level,
      stream: {
        write(line: string) {
          // An entry the caller also returns as a result (a failed target, say) is for the file:
          // the command prints it its own way, so the terminal does not show it twice.
          if (line.includes(`"${IN_RESULT}":true`)) return;
          const clean = scrubSecrets(line);
          stderr.write(pretty ? formatPretty(clean) : clean);
        },
      },
    });
  }

  let file: LogFile | undefined;
  if (options.logDir !== null && options.fileLevel !== 'silent') {
    const opened = await openLogFile({
      dir: options.logDir,
      retentionDays: options.retentionDays,
      onError: (error, path) => {
        stderr.write(`headroom: stopped writing the log file ${path}: ${error.message}\n`);
      },
    });
    file = opened;
    streams.push({
      level: options.fileLevel,
      stream: {
        write(line: string) {
          opened.write(scrubSecrets(line));
        },
      },
    });
  }

  const logger = pino(
    {
      level: lowest(streams.map((entry) => entry.level ?? 'info')),
      redact: { paths: [...REDACT_PATHS], censor: REDACTED },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    pino.multistream(streams),
  );

  return {
    logger,
    file: file?.path ?? null,
    close: async () => {
      await file?.close();
    },
  };
}

/** A logger that writes nothing, for tests and library callers. */
export function silentLogger(): Logger {
  return pino({ level: 'silent', enabled: false });
}
