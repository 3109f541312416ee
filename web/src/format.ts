/**
 * How the dashboard writes numbers, percents, ages and times. The locale is fixed to en-US so the
 * dashboard reads like the CLI (thousands separated by commas) whatever the browser's language.
 */

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
const percent = new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** A count or a limit; null (no value, or unlimited) as an em dash. */
export function formatNumber(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : integer.format(value);
}

/** A utilization ratio (0–1, above 1 when over) as a percent with one decimal. */
export function formatPercent(ratio: number | null | undefined): string {
  return ratio === null || ratio === undefined ? '—' : `${percent.format(ratio * 100)}%`;
}

export type Level = 'ok' | 'warning' | 'critical';

/** The colour band of a utilization: amber from 80%, red from 95%. */
export function levelOf(ratio: number): Level {
  if (ratio >= 0.95) return 'critical';
  if (ratio >= 0.8) return 'warning';
  return 'ok';
}

/** How long ago an ISO time was, as "12 s ago", "3 min ago", "2 h ago", "4 d ago", or "never". */
export function formatAge(iso: string | null | undefined, now: number): string {
  if (iso === null || iso === undefined) return 'never';
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return 'never';
  // A clock a little ahead of the browser's would give negative ages.
  const seconds = Math.max(0, Math.floor((now - at) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${integer.format(Math.floor(hours / 24))} d ago`;
}

/** How long until an ISO time, as "in 40 s", "in 12 min", "in 5 h", "in 3 d", or "past" once it is. */
export function formatUntil(iso: string, now: number): string {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return '—';
  const seconds = Math.floor((at - now) / 1000);
  if (seconds <= 0) return 'past';
  if (seconds < 60) return `in ${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `in ${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `in ${hours} h`;
  return `in ${integer.format(Math.floor(hours / 24))} d`;
}

const dollars = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  maximumFractionDigits: 2,
});

/** An estimated monthly cost in USD (the price table's currency), e.g. "$1,104.00/mo"; none as an em dash. */
export function formatCost(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : `${dollars.format(value)}/mo`;
}

const dateTime = new Intl.DateTimeFormat('en-US', {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** An ISO time in the browser's time zone, e.g. "Dec 3, 2026, 08:00". */
export function formatDateTime(iso: string | null | undefined): string {
  if (iso === null || iso === undefined) return '—';
  const at = Date.parse(iso);
  return Number.isNaN(at) ? iso : dateTime.format(at);
}

/**
 * An ISO time in UTC to the minute, e.g. "2026-12-09 14:00 UTC": for a moment someone may copy
 * into a ticket or compare with a log, whatever the reader's time zone.
 */
export function formatUtc(iso: string | null | undefined): string {
  if (iso === null || iso === undefined) return '—';
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return iso;
  return `${new Date(at).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** A quota as SERVICE/CODE, the way the API's paths, plans and the dashboard's URLs name it. */
export function quotaKey(quota: { serviceCode: string; quotaCode: string }): string {
  return `${quota.serviceCode}/${quota.quotaCode}`;
}

/** A target's label in choices: "name:region (accountId)", or "accountId:region" without a name. */
export function targetLabel(target: {
  accountId: string;
  accountName: string | null;
  region: string;
}): string {
  return target.accountName === null
    ? `${target.accountId}:${target.region}`
    : `${target.accountName}:${target.region} (${target.accountId})`;
}
