import { describe, expect, it } from 'vitest';
import { formatPretty } from './pretty.js';

/** An ISO time that reads 12:03:04 in the local zone. */
const noon = new Date(2026, 10, 22, 12, 3, 4).toISOString();
const line = (entry: Record<string, unknown>) =>
  `${JSON.stringify({ time: noon, pid: 1, hostname: 'h', ...entry })}\n`;

describe('formatPretty', () => {
  it.each([
    [
      'level, message and fields',
      { level: 40, msg: 'slow call', ms: 812, op: 'ListServiceQuotas' },
      '12:03:04 WARN  slow call ms=812 op=ListServiceQuotas',
    ],
    ['a five-letter level', { level: 50, msg: 'failed' }, '12:03:04 ERROR failed'],
    ['no message', { level: 30, targets: 4 }, '12:03:04 INFO  targets=4'],
    [
      'values that need quotes',
      { level: 20, msg: 'm', reason: 'rate exceeded', empty: '' },
      '12:03:04 DEBUG m reason="rate exceeded" empty=""',
    ],
    [
      'nested objects as JSON',
      { level: 10, msg: 'm', target: { accountId: '123456789012', region: 'eu-west-1' } },
      '12:03:04 TRACE m target={"accountId":"123456789012","region":"eu-west-1"}',
    ],
    [
      'an error by type and message',
      {
        level: 50,
        msg: 'call failed',
        err: { type: 'ThrottlingException', message: 'Rate exceeded', stack: 'at x' },
      },
      '12:03:04 ERROR call failed err="ThrottlingException: Rate exceeded"',
    ],
    ['a message over several lines on one', { level: 30, msg: 'a\nb' }, '12:03:04 INFO  a\\nb'],
    [
      'null and booleans',
      { level: 30, msg: 'm', limit: null, adjustable: true },
      '12:03:04 INFO  m limit=null adjustable=true',
    ],
  ])('writes %s', (_name, entry, expected) => {
    expect(formatPretty(line(entry))).toBe(`${expected}\n`);
  });

  it('passes a line that is not JSON through', () => {
    expect(formatPretty('not json')).toBe('not json\n');
  });
});
