import { describe, expect, it } from 'vitest';
import {
  type EvaluationScope,
  type Expr,
  ExpressionError,
  type Series,
  asSeries,
  evaluate,
  parseExpression,
  references,
} from './expression.js';

const num = (value: number): Expr => ({ kind: 'number', value });
const id = (name: string): Expr => ({ kind: 'id', name });
const bin = (op: '+' | '-' | '*' | '/' | '^', left: Expr, right: Expr): Expr => ({
  kind: 'binary',
  op,
  left,
  right,
});
const neg = (operand: Expr): Expr => ({ kind: 'unary', operand });
const call = (name: string, ...args: Expr[]): Expr => ({ kind: 'call', name, args });

/** Fixed series by id; SERVICE_QUOTA(id) is the quota series stored under `quota:<id>`. */
function scopeOf(series: Record<string, Series>): EvaluationScope {
  const lookup = (key: string): Series => {
    const found = series[key];
    if (!found) throw new Error(`no series ${key}`);
    return found;
  };
  return { series: lookup, serviceQuota: (name) => lookup(`quota:${name}`) };
}

const MINUTE = 60_000;
const t = (i: number): number => Date.UTC(2026, 0, 1) + i * MINUTE;

const scope = scopeOf({
  m1: { times: [t(0), t(1), t(2), t(3)], values: [1, 2, 3, 4] },
  m2: { times: [t(1), t(2), t(3), t(4)], values: [10, 0, -5, 7] },
  zero: { times: [t(0), t(1)], values: [0, 0] },
  frac: { times: [t(0), t(1), t(2)], values: [-1.5, 2.5, -0.2] },
  'quota:m1': { times: [t(0), t(1), t(2), t(3)], values: [8, 8, 10, 10] },
});

describe('parseExpression', () => {
  it.each<[string, Expr]>([
    ['42', num(42)],
    ['1.5e3', num(1500)],
    ['.5', num(0.5)],
    ['m1', id('m1')],
    ['1 + 2 * 3', bin('+', num(1), bin('*', num(2), num(3)))],
    ['1 * 2 + 3', bin('+', bin('*', num(1), num(2)), num(3))],
    ['8 / 4 - 1', bin('-', bin('/', num(8), num(4)), num(1))],
    ['10 - 4 - 3', bin('-', bin('-', num(10), num(4)), num(3))],
    ['8 / 4 / 2', bin('/', bin('/', num(8), num(4)), num(2))],
    ['2 ^ 3 ^ 2', bin('^', num(2), bin('^', num(3), num(2)))],
    ['2 * 3 ^ 2', bin('*', num(2), bin('^', num(3), num(2)))],
    ['(1 + 2) * 3', bin('*', bin('+', num(1), num(2)), num(3))],
    ['-m1', neg(id('m1'))],
    ['-2 ^ 2', neg(bin('^', num(2), num(2)))],
    ['2 * -m1', bin('*', num(2), neg(id('m1')))],
    ['1 - -1', bin('-', num(1), neg(num(1)))],
    ['m1/SERVICE_QUOTA(m1)*100', bin('*', bin('/', id('m1'), call('SERVICE_QUOTA', id('m1'))), num(100))],
    ['abs(m1 - m2)', call('ABS', bin('-', id('m1'), id('m2')))],
    ['F(a, b + 1)', call('F', id('a'), bin('+', id('b'), num(1)))],
    ['NOW()', call('NOW')],
    ['  ( ( m1 ) )  ', id('m1')],
  ])('parses %s', (source, expected) => {
    expect(parseExpression(source)).toEqual(expected);
  });

  it.each<[string, number]>([
    ['1 + 2 * 3', 7],
    ['(1 + 2) * 3', 9],
    ['10 - 4 - 3', 3],
    ['8 / 4 / 2', 1],
    ['2 ^ 3 ^ 2', 512],
    ['-2 ^ 2', -4],
    ['2 * 3 ^ 2', 18],
    ['-(1 + 2) * 3', -9],
    ['1 - -1', 2],
    ['100 * (6 - 2) / 8', 50],
  ])('computes %s = %d', (source, value) => {
    expect(evaluate(parseExpression(source), scope)).toBe(value);
  });

  it.each<[string, string]>([
    ['(1 + 2', "Expected ')' at the end of the expression"],
    ['ABS(m1', "Expected ')' at the end of the expression"],
    ['ABS(m1 m2)', "Expected ')' at position 8"],
    ['1 + 2)', "Unexpected ')' at position 6"],
    ['1 2', "Unexpected '2' at position 3"],
    ['m1 m2', "Unexpected 'm2' at position 4"],
    ['* 3', "Unexpected '*' at position 1"],
    ['1 +', 'Unexpected end of the expression'],
    ['', 'Unexpected end of the expression'],
    ['()', "Unexpected ')' at position 2"],
    ['1 , 2', "Unexpected ',' at position 3"],
    ['m1 % 2', "Unrecognized character '%' at position 4"],
    ['m1 + $x', "Unrecognized character '$' at position 6"],
    ['m1 == m2', "Unrecognized character '=' at position 4"],
  ])('rejects %j: %s', (source, message) => {
    expect(() => parseExpression(source)).toThrow(new ExpressionError(message));
  });
});

describe('references', () => {
  it.each<[string, string[]]>([
    ['42', []],
    ['m1', ['m1']],
    ['m1 / SERVICE_QUOTA(m2) * 100 + ABS(m3 - m1)', ['m1', 'm2', 'm3']],
    ['-(a ^ b)', ['a', 'b']],
    ['F(x, G(y, 2))', ['x', 'y']],
  ])('lists the ids %s reads', (source, ids) => {
    expect([...references(parseExpression(source))].sort()).toEqual(ids);
  });

  it('adds to a given set', () => {
    const out = new Set(['m0']);
    expect(references(parseExpression('m1 + m2'), out)).toBe(out);
    expect([...out].sort()).toEqual(['m0', 'm1', 'm2']);
  });
});

describe('evaluate', () => {
  it.each<[string, Series]>([
    ['m1 + m2', { times: [t(1), t(2), t(3)], values: [12, 3, -1] }],
    ['m2 - m1', { times: [t(1), t(2), t(3)], values: [8, -3, -9] }],
    ['m1 * m2', { times: [t(1), t(2), t(3)], values: [20, 0, -20] }],
    ['m1 / m2', { times: [t(1), t(3)], values: [0.2, -0.8] }],
    ['m1 * 2', { times: [t(0), t(1), t(2), t(3)], values: [2, 4, 6, 8] }],
    ['10 - m1', { times: [t(0), t(1), t(2), t(3)], values: [9, 8, 7, 6] }],
    ['12 / m1', { times: [t(0), t(1), t(2), t(3)], values: [12, 6, 4, 3] }],
    ['m1 ^ 2', { times: [t(0), t(1), t(2), t(3)], values: [1, 4, 9, 16] }],
    ['-m1', { times: [t(0), t(1), t(2), t(3)], values: [-1, -2, -3, -4] }],
    ['m1 / 0', { times: [], values: [] }],
    ['m2 / zero', { times: [], values: [] }],
    ['zero / zero', { times: [], values: [] }],
    ['1 / (m1 - 2)', { times: [t(0), t(2), t(3)], values: [-1, 1, 0.5] }],
    ['m2 ^ 0.5', { times: [t(1), t(2), t(4)], values: [Math.sqrt(10), 0, Math.sqrt(7)] }],
    ['m1 / SERVICE_QUOTA(m1) * 100', { times: [t(0), t(1), t(2), t(3)], values: [12.5, 25, 30, 40] }],
    ['service_quota(m1)', { times: [t(0), t(1), t(2), t(3)], values: [8, 8, 10, 10] }],
    ['ABS(m2)', { times: [t(1), t(2), t(3), t(4)], values: [10, 0, 5, 7] }],
    ['CEIL(frac)', { times: [t(0), t(1), t(2)], values: [-1, 3, -0] }],
    ['FLOOR(frac)', { times: [t(0), t(1), t(2)], values: [-2, 2, -1] }],
    ['ABS(m1 - m2)', { times: [t(1), t(2), t(3)], values: [8, 3, 9] }],
  ])('%s', (source, expected) => {
    expect(evaluate(parseExpression(source), scope)).toEqual(expected);
  });

  it.each<[string, number]>([
    ['ABS(-3)', 3],
    ['CEIL(1.2)', 2],
    ['FLOOR(-1.2)', -2],
    ['abs(2 - 5) * 2', 6],
  ])('%s on a scalar gives a scalar', (source, value) => {
    expect(evaluate(parseExpression(source), scope)).toBe(value);
  });

  it('aligns two series only on the timestamps they share, in the left series’ order', () => {
    const result = asSeries(evaluate(parseExpression('m1 + m2'), scope));
    expect(result.times).toEqual([t(1), t(2), t(3)]);
    expect(result.times).not.toContain(t(0));
    expect(result.times).not.toContain(t(4));
  });

  it('turns a scalar result into an empty series and keeps a series', () => {
    expect(asSeries(7)).toEqual({ times: [], values: [] });
    const series: Series = { times: [t(0)], values: [1] };
    expect(asSeries(series)).toBe(series);
  });

  it.each<[string, string]>([
    ['SERVICE_QUOTA(m1 * 2)', 'SERVICE_QUOTA takes one argument: the id of a usage metric query'],
    ['SERVICE_QUOTA(5)', 'SERVICE_QUOTA takes one argument: the id of a usage metric query'],
    ['SERVICE_QUOTA(-m1)', 'SERVICE_QUOTA takes one argument: the id of a usage metric query'],
    ['SERVICE_QUOTA()', 'SERVICE_QUOTA takes one argument: the id of a usage metric query'],
    ['SERVICE_QUOTA(m1, m2)', 'SERVICE_QUOTA takes one argument: the id of a usage metric query'],
    ['ABS()', 'ABS takes one argument, got 0'],
    ['CEIL(m1, m2)', 'CEIL takes one argument, got 2'],
    ['FLOOR(1, 2, 3)', 'FLOOR takes one argument, got 3'],
    ['AVG(m1)', 'Unknown function AVG'],
    ['m1 + metric_math(m2)', 'Unknown function METRIC_MATH'],
  ])('rejects %s', (source, message) => {
    const expr = parseExpression(source);
    expect(() => evaluate(expr, scope)).toThrow(new ExpressionError(message));
  });

  it('passes the bare id, not its series, to SERVICE_QUOTA', () => {
    const asked: string[] = [];
    const recording: EvaluationScope = {
      series: (name) => scope.series(name),
      serviceQuota: (name) => {
        asked.push(name);
        return scope.serviceQuota(name);
      },
    };
    evaluate(parseExpression('m1 / SERVICE_QUOTA(m1)'), recording);
    expect(asked).toEqual(['m1']);
  });
});
