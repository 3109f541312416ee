/**
 * Machine-readable output: CSV for spreadsheets and shell pipelines, JSON for scripts.
 *
 * CSV follows RFC 4180 except for line ends: records end in '\n', not CRLF, because the output is
 * mostly read by Unix tools (`sort`, `cut`, `awk`, `grep`), where a trailing '\r' would stick to
 * the last field. Spreadsheets and CSV libraries accept either.
 */

/** A CSV column. A table {@link Column} fits too; its `format` is ignored, so CSV keeps raw values. */
export interface CsvColumn {
  key: string;
  header: string;
}

/** Leading characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection"). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * Renders a header line of column headers, then one record per row, each ending in '\n'.
 * Fields are quoted when they contain a comma, quote, CR or LF, with quotes doubled.
 *
 * Values: null and undefined are empty; numbers are written in full (`String(n)`: shortest exact
 * form, no grouping, `1e+21` for the very large; NaN and ±Infinity as text, so `-Infinity` is
 * guarded like any text); booleans are true/false; Dates are ISO 8601
 * (an invalid Date is empty, as JSON writes it null); other objects are written as JSON.
 *
 * Text that starts with =, +, -, @, tab or CR gets a leading `'` so a spreadsheet shows it instead
 * of running it. Numbers and bigints are exempt (-5 stays -5), but text that merely looks like a
 * number is not: '-5' as a string becomes `'-5`, since telling harmless text from a formula such
 * as `-1+1|cmd` is exactly what a guard should not attempt.
 */
export function renderCsv(columns: readonly CsvColumn[], rows: readonly Record<string, unknown>[]): string {
  if (columns.length === 0) return '';
  const record = (fields: string[]): string =>
    // A lone empty field would be a blank line, which many readers skip: quote it.
    (fields.length === 1 && fields[0] === '' ? '""' : fields.join(',')) + '\n';
  return (
    record(columns.map((column) => quote(guard(column.header)))) +
    rows.map((row) => record(columns.map((column) => csvField(row[column.key])))).join('')
  );
}

/**
 * Renders `value` as JSON with 2-space indent and a trailing newline. Dates become ISO strings
 * (their toJSON), bigints decimal strings, and NaN and Infinity null. Undefined renders as null.
 */
export function renderJson(value: unknown): string {
  // undefined for undefined, a function or a symbol, despite its type.
  const text = JSON.stringify(value, bigintAsString, 2) as unknown;
  return `${typeof text === 'string' ? text : 'null'}\n`;
}

function bigintAsString(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : quote(guard(String(value)));
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString();
  // JSON.stringify gives undefined for a function or symbol, despite its type.
  const text = typeof value === 'string' ? value : (JSON.stringify(value) as unknown);
  return typeof text === 'string' ? quote(guard(text)) : '';
}

function guard(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

function quote(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
