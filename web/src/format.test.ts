import { describe, expect, it } from 'vitest';
import {
  formatAge,
  formatCost,
  formatNumber,
  formatPercent,
  formatUntil,
  formatUtc,
  levelOf,
  quotaKey,
  targetLabel,
} from './format';

describe('the dashboard writes', () => {
  it.each([
    [null, '—'],
    [0, '0'],
    [4395, '4,395'],
    [1_234_567.891, '1,234,567.89'],
  ])('number %s as %s', (value, text) => {
    expect(formatNumber(value)).toBe(text);
  });

  it.each([
    [null, '—'],
    [0, '0.0%'],
    [0.8, '80.0%'],
    [1.078125, '107.8%'],
  ])('utilization %s as %s', (ratio, text) => {
    expect(formatPercent(ratio)).toBe(text);
  });

  it.each([
    [0.79, 'ok'],
    [0.8, 'warning'],
    [0.949, 'warning'],
    [0.95, 'critical'],
    [1.2, 'critical'],
  ] as const)('utilization %s in the %s band', (ratio, level) => {
    expect(levelOf(ratio)).toBe(level);
  });

  it.each([
    [null, 'never'],
    ['not a time', 'never'],
    ['2026-12-03T08:00:00.000Z', '0 s ago'],
    ['2026-12-03T08:00:05.000Z', '0 s ago'], // a server clock slightly ahead
    ['2026-12-03T07:59:48.000Z', '12 s ago'],
    ['2026-12-03T07:57:00.000Z', '3 min ago'],
    ['2026-12-03T06:00:00.000Z', '2 h ago'],
    ['2026-12-01T07:00:00.000Z', '2 d ago'],
  ])('the age of %s as %s', (iso, text) => {
    expect(formatAge(iso, Date.parse('2026-12-03T08:00:00.000Z'))).toBe(text);
  });

  it.each([
    ['not a time', '—'],
    ['2026-12-03T07:59:00.000Z', 'past'],
    ['2026-12-03T08:00:00.000Z', 'past'],
    ['2026-12-03T08:00:40.000Z', 'in 40 s'],
    ['2026-12-03T08:12:00.000Z', 'in 12 min'],
    ['2026-12-03T13:30:00.000Z', 'in 5 h'],
    ['2026-12-06T09:00:00.000Z', 'in 3 d'],
  ])('the time until %s as %s', (iso, text) => {
    expect(formatUntil(iso, Date.parse('2026-12-03T08:00:00.000Z'))).toBe(text);
  });

  it.each([
    [null, '—'],
    ['not a time', 'not a time'],
    ['2026-12-09T14:00:00.000Z', '2026-12-09 14:00 UTC'],
    ['2026-12-09T15:30:59+01:00', '2026-12-09 14:30 UTC'],
  ])('the moment %s in UTC as %s', (iso, text) => {
    expect(formatUtc(iso)).toBe(text);
  });

  it.each([
    [null, '—'],
    [0, '$0.00/mo'],
    [1104, '$1,104.00/mo'],
    [36.8, '$36.80/mo'],
  ])('an estimated cost of %s as %s', (value, text) => {
    expect(formatCost(value)).toBe(text);
  });

  it('a target as name:region (account), or account:region without a name', () => {
    expect(targetLabel({ accountId: '528333015093', accountName: 'production', region: 'us-east-1' })).toBe(
      'production:us-east-1 (528333015093)',
    );
    expect(targetLabel({ accountId: '528333015093', accountName: null, region: 'us-east-1' })).toBe(
      '528333015093:us-east-1',
    );
  });

  it('a quota as SERVICE/CODE, the key its rows, links and plans share', () => {
    expect(quotaKey({ serviceCode: 'ec2', quotaCode: 'L-1216C47A' })).toBe('ec2/L-1216C47A');
  });
});
