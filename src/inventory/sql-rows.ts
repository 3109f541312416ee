/**
 * A CMDB's rows as accounts. Pure: the query's result in, accounts and one problem per malformed
 * row out (the good rows are still used). Only the configured columns are read; a column that
 * looks like a credential is never read, and named once as ignored.
 */
import {
  type DiscoveredAccount,
  type InventoryProblem,
  type RegionSpec,
  ROLE_ARN_PATTERN,
} from '../domain/inventory.js';
import { isAccountId, isRegion } from '../domain/target.js';

/** Which column holds what (config `inventory.sources[].columns`). */
export interface ColumnNames {
  readonly id: string;
  readonly name: string;
  readonly roleArn: string;
  readonly regions: string;
}

/** Column names that look like credentials: never read, whatever the config says. */
const KEY_LIKE = /secret|access_?key|key_?id|password|passwd|session_?token|credential|private_?key/i;

export function isKeyLike(column: string): boolean {
  return KEY_LIKE.test(column);
}

/** A whole query result headroom cannot use (a required column missing). */
export class RowsUnusableError extends Error {
  readonly hint: string;
  constructor(message: string, hint: string) {
    super(message);
    this.name = 'RowsUnusableError';
    this.hint = hint;
  }
}

function shown(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return `'${text.length > 60 ? `${text.slice(0, 57)}…` : text}'`;
}

/** A cell as text: strings trimmed, numbers and bigints as digits; null for empty. */
function text(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value.trim() === '' ? null : value.trim();
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (Buffer.isBuffer(value)) return value.toString('utf8').trim() || null;
  return JSON.stringify(value);
}

type Read<T> = { ok: true; value: T } | { ok: false; problem: string };

function readId(value: unknown, column: string): Read<string> {
  const id = text(value);
  if (id !== null && isAccountId(id)) return { ok: true, value: id };
  // A number column has dropped the leading zeros of an id such as 012345678901.
  const lostZeros = (typeof value === 'number' || typeof value === 'bigint') && id !== null && id.length < 12;
  return {
    ok: false,
    problem: `column ${column} ${shown(value)} is not a 12-digit account id${
      lostZeros ? ' (a number column drops leading zeros: store ids as text, or LPAD them in the query)' : ''
    }`,
  };
}

function readRoleArn(value: unknown, column: string, accountId: string | null): Read<string | null> {
  const arn = text(value);
  if (arn === null) return { ok: true, value: null };
  const owner = ROLE_ARN_PATTERN.exec(arn)?.[1];
  if (owner === undefined) {
    return { ok: false, problem: `column ${column} ${shown(value)} is not an IAM role ARN` };
  }
  if (accountId !== null && owner !== accountId) {
    return {
      ok: false,
      problem: `column ${column} ${shown(value)} is a role in account ${owner}, not ${accountId}`,
    };
  }
  return { ok: true, value: arn };
}

/** Regions as comma-separated text, a JSON array (text or the driver's array), `all` or `in-use`. */
function readRegions(value: unknown, column: string): Read<RegionSpec | null> {
  if (value === null || value === undefined) return { ok: true, value: null };
  let items: unknown[];
  if (Array.isArray(value)) {
    items = value;
  } else {
    const raw = text(value);
    if (raw === null) return { ok: true, value: null };
    if (raw === 'all' || raw === 'in-use') return { ok: true, value: raw };
    if (raw.startsWith('[')) {
      try {
        const parsed: unknown = JSON.parse(raw);
        if (!Array.isArray(parsed)) throw new Error('not an array');
        items = parsed;
      } catch {
        return { ok: false, problem: `column ${column} ${shown(value)} is not a JSON array of regions` };
      }
    } else {
      items = raw.split(',').map((item) => item.trim());
    }
  }
  const bad = items.filter((item) => typeof item !== 'string' || !isRegion(item.trim()));
  if (bad.length > 0) {
    return {
      ok: false,
      problem: `column ${column} has ${bad.map(shown).join(', ')}, not ${bad.length === 1 ? 'a region name' : 'region names'} such as eu-west-1`,
    };
  }
  const regions = [...new Set(items.map((item) => String(item).trim()))];
  return regions.length === 0 ? { ok: true, value: null } : { ok: true, value: regions };
}

/**
 * The accounts of a query's rows. A missing id or name column makes the whole result unusable
 * (`RowsUnusableError`); a malformed row is left out with one problem naming the row (1-based, in
 * the query's order) and each bad column.
 */
export function parseRows(
  source: string,
  result: { readonly columns: readonly string[]; readonly rows: readonly Record<string, unknown>[] },
  columns: ColumnNames,
): { accounts: DiscoveredAccount[]; problems: InventoryProblem[] } {
  const present = new Set(result.columns);
  for (const required of [columns.id, columns.name]) {
    if (!present.has(required)) {
      throw new RowsUnusableError(
        `the query returns no column ${required} (it returns ${result.columns.join(', ') || 'no columns'})`,
        `alias a column to it (SELECT account_id AS ${required} …) or set the source's columns`,
      );
    }
  }
  const problems: InventoryProblem[] = [];
  const ignored = result.columns.filter(isKeyLike);
  if (ignored.length > 0) {
    problems.push({
      code: 'HR_INVENTORY_KEY_COLUMNS',
      source,
      message: `the query returns ${ignored.join(', ')}, which look${ignored.length === 1 ? 's' : ''} like credentials: ignored, never read or stored`,
      hint: 'select only the account id, name, role ARN and regions; headroom assumes the role instead',
    });
  }
  const readable = (column: string) => present.has(column) && !isKeyLike(column);
  const accounts: DiscoveredAccount[] = [];
  const rowOf = new Map<string, number>();
  result.rows.forEach((row, index) => {
    const number = index + 1;
    const id = readId(row[columns.id], columns.id);
    const name = text(row[columns.name]);
    const roleArn = readable(columns.roleArn)
      ? readRoleArn(row[columns.roleArn], columns.roleArn, id.ok ? id.value : null)
      : ({ ok: true, value: null } as const);
    const regions = readable(columns.regions)
      ? readRegions(row[columns.regions], columns.regions)
      : ({ ok: true, value: null } as const);
    const bad = [id, roleArn, regions].flatMap((read) => (read.ok ? [] : [read.problem]));
    const label = `row ${number}${id.ok ? ` (account ${id.value})` : ''}`;
    if (!id.ok || !roleArn.ok || !regions.ok) {
      problems.push({
        code: 'HR_INVENTORY_ROW',
        source,
        message: `${label}: ${bad.join('; ')}; the row is skipped`,
        hint: 'correct the row in the CMDB (the other rows are used)',
      });
      return;
    }
    const first = rowOf.get(id.value);
    if (first !== undefined) {
      problems.push({
        code: 'HR_INVENTORY_ROW',
        source,
        message: `${label}: repeats the account of row ${first}; the row is skipped`,
        hint: 'list each account once in the query',
      });
      return;
    }
    rowOf.set(id.value, number);
    accounts.push({ id: id.value, name, roleArn: roleArn.value, profile: null, regions: regions.value });
  });
  return { accounts, problems };
}
