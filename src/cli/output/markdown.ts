/**
 * GitHub-flavoured Markdown tables, for pasting a comparison into a pull request or a ticket.
 * Cells are single-line; `|` and backslashes are escaped so a quota name cannot break the table.
 */
import { type Column, toSingleLine } from './table.js';

function cell(column: Column, row: Record<string, unknown>): string {
  const value = row[column.key];
  const text =
    value === null || value === undefined
      ? '-'
      : column.format
        ? column.format(value, row)
        : typeof value === 'object'
          ? JSON.stringify(value)
          : String(value as string | number | boolean); // eslint-disable-line @typescript-eslint/no-unnecessary-type-assertion
  return toSingleLine(text).replace(/\\/g, '\\\\').replace(/\|/g, '\\|');
}

/** A Markdown table; numbers right-aligned as the columns say. No rows gives the header alone. */
export function renderMarkdownTable(
  columns: readonly Column[],
  rows: readonly Record<string, unknown>[],
): string {
  if (columns.length === 0) return '';
  const header = `| ${columns.map((c) => toSingleLine(c.header).replace(/\|/g, '\\|')).join(' | ')} |`;
  const rule = `|${columns.map((c) => (c.align === 'right' ? ' ---: ' : ' --- ')).join('|')}|`;
  const body = rows.map((row) => `| ${columns.map((c) => cell(c, row)).join(' | ')} |`);
  return [header, rule, ...body].join('\n') + '\n';
}
