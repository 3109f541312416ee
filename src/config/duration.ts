/**
 * Durations as headroom.yaml writes them: a whole number and a unit, optionally chained from the
 * largest unit down: `90s`, `15m`, `1h`, `1h30m`, `7d`. Pure.
 */

const UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000, ms: 1 } as const;
type Unit = keyof typeof UNIT_MS;

/** The shape of a duration, also used as the JSON Schema `pattern`. */
export const DURATION_PATTERN = /^(?:\d+(?:ms|[dhms]))+$/;

const PART = /(\d+)(ms|[dhms])/g;

/**
 * Milliseconds in `text`, or `null` when it is not a duration.
 *
 * @example
 * parseDuration('15m'); // 900000
 * parseDuration('1h30m'); // 5400000
 * parseDuration('15'); // null: a unit is required
 */
export function parseDuration(text: string): number | null {
  if (!DURATION_PATTERN.test(text)) return null;
  let total = 0;
  for (const [, amount, unit] of text.matchAll(PART)) {
    total += Number(amount) * UNIT_MS[unit as Unit];
  }
  return Number.isSafeInteger(total) ? total : null;
}

/**
 * The shortest duration text for `ms`, largest unit first: 5400000 → `1h30m`, 0 → `0s`.
 *
 * @example
 * formatDuration(86_400_000); // '1d'
 */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = ms;
  let text = '';
  for (const [unit, size] of Object.entries(UNIT_MS)) {
    const amount = Math.floor(rest / size);
    if (amount > 0) {
      text += `${amount}${unit}`;
      rest -= amount * size;
    }
  }
  return text;
}
