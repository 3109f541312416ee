/**
 * Policy rules: which quotas a rule matches (globs on account, region, service and quota), what it
 * lets the engine do (its automation level) and when (thresholds, business hours, cooldown), and
 * how far (multiplier, buffer, ceiling, cost). The most specific matching rule wins. Pure.
 */

/**
 * What a rule lets the engine do, least to most:
 * - `monitor_only`: records bands in the audit trail, nothing else;
 * - `alert_only`: alerts at each band;
 * - `auto_request`: alerts, and at critical proposes an increase that waits for a person;
 * - `auto_approve`: alerts, and at critical requests the increase itself;
 * - `full_auto`: as auto_approve, and acts pre-emptively at warning.
 */
export type AutomationLevel = 'monitor_only' | 'alert_only' | 'auto_request' | 'auto_approve' | 'full_auto';

export const AUTOMATION_LEVELS: readonly AutomationLevel[] = [
  'monitor_only',
  'alert_only',
  'auto_request',
  'auto_approve',
  'full_auto',
];

/** Where a quota's utilization sits against its rule's thresholds. */
export type Band = 'ok' | 'warning' | 'critical' | 'emergency';

export const BANDS: readonly Band[] = ['ok', 'warning', 'critical', 'emergency'];

export function bandRank(band: Band): number {
  return BANDS.indexOf(band);
}

/** Percent of the limit at which each band starts: warning < critical < emergency. */
export interface Thresholds {
  readonly warning: number;
  readonly critical: number;
  readonly emergency: number;
}

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

export const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** When non-emergency actions may run: on these days, from `start` to `end` (minutes after midnight), in `timeZone`. */
export interface BusinessHours {
  readonly days: readonly Weekday[];
  /** Minutes after local midnight, inclusive. */
  readonly startMinute: number;
  /** Minutes after local midnight, exclusive. */
  readonly endMinute: number;
  /** An IANA time zone such as Europe/London. */
  readonly timeZone: string;
}

/** Which quotas a rule is for: each list is globs (`*`, `?`); an empty list matches anything. */
export interface RuleMatch {
  /** Account ids or account names. */
  readonly accounts: readonly string[];
  readonly regions: readonly string[];
  /** Service codes. */
  readonly services: readonly string[];
  /** Quota codes or quota names (names match without regard to case). */
  readonly quotas: readonly string[];
}

/** What a rule sets once the engine's defaults fill what it leaves out. */
export interface RuleSettings {
  readonly level: AutomationLevel;
  readonly thresholds: Thresholds;
  /** The new limit is at least the current one times this. */
  readonly multiplier: number;
  /** Percent of the new limit left free above the usage: the new limit is at least usage ÷ (1 − buffer). */
  readonly buffer: number;
  /** The ceiling: never ask for more than this; null for none. */
  readonly maxValue: number | null;
  /** Every action of this rule waits for a person. */
  readonly approvalRequired: boolean;
  /** Estimated monthly cost (in the price table's currency) above which an action waits for a person; null for none. */
  readonly costThreshold: number | null;
  /** Null: any time. */
  readonly businessHours: BusinessHours | null;
  /** No second action, and no repeat of an alert at the same band, within this long. */
  readonly cooldownMs: number;
  /** The notification channels alerts go to (names from `notifications.channels`). */
  readonly notify: readonly string[];
  /** Record alerts without sending them. */
  readonly mute: boolean;
}

/** Every setting of a rule, in the order they are shown. */
export const SETTING_KEYS: readonly (keyof RuleSettings)[] = [
  'level',
  'thresholds',
  'multiplier',
  'buffer',
  'maxValue',
  'approvalRequired',
  'costThreshold',
  'businessHours',
  'cooldownMs',
  'notify',
  'mute',
];

export interface Rule extends RuleSettings {
  readonly name: string;
  /** Its place among the rules, from 0 (headroom.yaml's, then the included files' in order). */
  readonly index: number;
  /** Where it was written: `headroom.yaml`, `rules/compute.yaml`, or `defaults`. */
  readonly file: string;
  readonly match: RuleMatch;
  /** The settings the rule wrote itself (the rest came from the defaults). */
  readonly own: readonly (keyof RuleSettings)[];
}

/** What a rule is matched against: one quota of one target. */
export interface QuotaSubject {
  readonly accountId: string;
  readonly accountName: string | null;
  readonly region: string;
  readonly serviceCode: string;
  readonly quotaCode: string;
  readonly quotaName: string;
}

/** How closely a rule names each part of the quota: 0 any, 1 a glob, 2 exactly. */
export interface Specificity {
  readonly quota: number;
  readonly service: number;
  readonly account: number;
  readonly region: number;
}

const ORDER: readonly (keyof Specificity)[] = ['quota', 'service', 'account', 'region'];

/** Compares two specificities: quota first, then service, account and region. Negative when `a` is more specific. */
export function compareSpecificity(a: Specificity, b: Specificity): number {
  for (const key of ORDER) {
    if (a[key] !== b[key]) return b[key] - a[key];
  }
  return 0;
}

const globCache = new Map<string, RegExp>();

/** A glob (`*` any run of characters, `?` one) as an anchored regular expression. */
export function globPattern(glob: string, ignoreCase = false): RegExp {
  const key = `${ignoreCase ? 'i' : 's'}:${glob}`;
  let pattern = globCache.get(key);
  if (pattern === undefined) {
    const body = glob
      .split('')
      .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
      .join('');
    pattern = new RegExp(`^${body}$`, ignoreCase ? 'i' : '');
    globCache.set(key, pattern);
  }
  return pattern;
}

export function isGlob(text: string): boolean {
  return text.includes('*') || text.includes('?');
}

/**
 * How well one list of globs matches any of the values: 0 for an empty list (anything), else the
 * best of its entries (2 an exact entry, 1 a glob), or null when no entry matches.
 */
function matchList(
  globs: readonly string[],
  values: readonly (string | null)[],
  ignoreCase: (value: string, index: number) => boolean = () => false,
): number | null {
  if (globs.length === 0) return 0;
  let best: number | null = null;
  for (const glob of globs) {
    const exact = !isGlob(glob);
    values.forEach((value, index) => {
      if (value === null) return;
      const fold = ignoreCase(value, index);
      const hit = exact
        ? fold
          ? glob.toLowerCase() === value.toLowerCase()
          : glob === value
        : globPattern(glob, fold).test(value);
      if (hit) best = Math.max(best ?? 0, exact ? 2 : 1);
    });
  }
  return best;
}

/** Why a rule does or does not match a quota: its specificity, or the first part that did not match. */
export type RuleFit =
  | { readonly matches: true; readonly specificity: Specificity }
  | { readonly matches: false; readonly part: keyof RuleMatch; readonly wanted: readonly string[] };

export function fitRule(rule: Pick<Rule, 'match'>, subject: QuotaSubject): RuleFit {
  const { match } = rule;
  const quota = matchList(match.quotas, [subject.quotaCode, subject.quotaName], (_, i) => i === 1);
  if (quota === null) return { matches: false, part: 'quotas', wanted: match.quotas };
  const service = matchList(match.services, [subject.serviceCode]);
  if (service === null) return { matches: false, part: 'services', wanted: match.services };
  const account = matchList(match.accounts, [subject.accountId, subject.accountName]);
  if (account === null) return { matches: false, part: 'accounts', wanted: match.accounts };
  const region = matchList(match.regions, [subject.region]);
  if (region === null) return { matches: false, part: 'regions', wanted: match.regions };
  return { matches: true, specificity: { quota, service, account, region } };
}

/** Every rule with how it fits the quota, and the one that applies (null: the defaults). */
export interface RuleChoice {
  readonly rule: Rule | null;
  readonly fits: readonly { rule: Rule; fit: RuleFit }[];
}

/**
 * The rule that applies to a quota: of the rules that match, the most specific (quota, then
 * service, account, region; an exact name beats a glob, a glob beats nothing); of equally specific
 * ones, the first written.
 */
export function chooseRule(rules: readonly Rule[], subject: QuotaSubject): RuleChoice {
  const fits = rules.map((rule) => ({ rule, fit: fitRule(rule, subject) }));
  let best: { rule: Rule; specificity: Specificity } | null = null;
  for (const { rule, fit } of fits) {
    if (!fit.matches) continue;
    if (best === null || compareSpecificity(fit.specificity, best.specificity) < 0) {
      best = { rule, specificity: fit.specificity };
    }
  }
  return { rule: best?.rule ?? null, fits };
}

const WEEKDAY_OF: Record<string, Weekday> = {
  Mon: 'mon',
  Tue: 'tue',
  Wed: 'wed',
  Thu: 'thu',
  Fri: 'fri',
  Sat: 'sat',
  Sun: 'sun',
};

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Whether `timeZone` is an IANA time zone this Node.js knows. */
export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** The weekday and minute of the day at `at` in `timeZone`. */
export function localTime(at: Date, timeZone: string): { day: Weekday; minute: number } {
  let format = formatters.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, format);
  }
  const parts = format.formatToParts(at);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const day = WEEKDAY_OF[part('weekday')] ?? 'mon';
  return { day, minute: Number(part('hour')) * 60 + Number(part('minute')) };
}

/** Whether `at` falls inside the business hours (always, when there are none). */
export function inBusinessHours(hours: BusinessHours | null, at: Date): boolean {
  if (hours === null) return true;
  const { day, minute } = localTime(at, hours.timeZone);
  return hours.days.includes(day) && minute >= hours.startMinute && minute < hours.endMinute;
}

function clock(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}

/** `mon-fri 09:00-17:00 Europe/London`. */
export function describeHours(hours: BusinessHours): string {
  return `${daysText(hours.days)} ${clock(hours.startMinute)}-${clock(hours.endMinute)} ${hours.timeZone}`;
}

/** Days with runs of three or more written as ranges: `mon-fri`, `mon,wed,sat-sun`. */
function daysText(days: readonly Weekday[]): string {
  const indexes = WEEKDAYS.map((d, i) => (days.includes(d) ? i : -1)).filter((i) => i >= 0);
  const parts: string[] = [];
  for (let k = 0; k < indexes.length;) {
    let end = k;
    while (end + 1 < indexes.length && (indexes[end + 1] as number) === (indexes[end] as number) + 1) end++;
    const first = WEEKDAYS[indexes[k] as number] as Weekday;
    const last = WEEKDAYS[indexes[end] as number] as Weekday;
    if (end - k >= 2) parts.push(`${first}-${last}`);
    else parts.push(...indexes.slice(k, end + 1).map((i) => WEEKDAYS[i] as Weekday));
    k = end + 1;
  }
  return parts.join(',');
}

/** `09:00` as minutes after midnight; `24:00` is the end of the day. Null when it is not a time. */
export function parseClock(text: string): number | null {
  const found = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(text);
  if (!found) return null;
  const minute = Number(found[1]) * 60 + Number(found[2]);
  return minute > 24 * 60 ? null : minute;
}
