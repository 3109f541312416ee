/**
 * The stderr format: one human line per entry, `12:03:04 WARN  message key=value …`, made from
 * pino's JSON line. Written here rather than with pino-pretty: it is a dozen lines, and stderr
 * stays synchronous and in-process.
 */

const LABELS: Readonly<Record<number, string>> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};

/** Fields the line shows in its own place, or not at all. */
const OWN_PLACE = new Set(['level', 'time', 'msg', 'pid', 'hostname']);

const BARE = /^[^\s"=]+$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function clock(time: unknown): string {
  const date = typeof time === 'string' || typeof time === 'number' ? new Date(time) : new Date();
  const valid = Number.isNaN(date.getTime()) ? new Date() : date;
  return [valid.getHours(), valid.getMinutes(), valid.getSeconds()]
    .map((n) => String(n).padStart(2, '0'))
    .join(':');
}

function fieldValue(value: unknown): string {
  if (typeof value === 'string') return value !== '' && BARE.test(value) ? value : JSON.stringify(value);
  if (isRecord(value) && typeof value.message === 'string') {
    // A serialised error: its type and message; the stack stays in the file.
    const type = typeof value.type === 'string' ? value.type : 'Error';
    return JSON.stringify(`${type}: ${value.message}`);
  }
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  return JSON.stringify(value);
}

/**
 * One pino JSON line as a human line (newline-terminated). A line that is not JSON is returned
 * as is.
 *
 * @example
 * formatPretty('{"level":40,"time":"2026-11-22T12:03:04.000Z","msg":"slow","ms":812}\n');
 * // '12:03:04 WARN  slow ms=812\n' (time in the local zone)
 */
export function formatPretty(line: string): string {
  let entry: unknown;
  try {
    entry = JSON.parse(line);
  } catch {
    return line.endsWith('\n') ? line : `${line}\n`;
  }
  if (!isRecord(entry)) return line.endsWith('\n') ? line : `${line}\n`;
  const level = typeof entry.level === 'number' ? (LABELS[entry.level] ?? String(entry.level)) : 'LOG';
  const message = typeof entry.msg === 'string' ? entry.msg.replace(/\r?\n/g, '\\n') : '';
  const fields = Object.entries(entry)
    .filter(([key, value]) => !OWN_PLACE.has(key) && value !== undefined)
    .map(([key, value]) => `${key}=${fieldValue(value)}`);
  return `${[clock(entry.time), level.padEnd(5), message, ...fields].filter((part) => part !== '').join(' ')}\n`;
}
