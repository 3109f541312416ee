/**
 * Metric math for GetMetricData: numbers, query ids, + - * / with the usual precedence, unary
 * minus, parentheses, and the functions headroom's queries use — SERVICE_QUOTA(m) for utilization
 * (`m1/SERVICE_QUOTA(m1)*100`), plus ABS, CEIL and FLOOR.
 *
 * Time series combine on the timestamps they share; a point whose result is not a finite number
 * (0/0, x/0) is left out, as CloudWatch leaves it out.
 */

export type Expr =
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'id'; readonly name: string }
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly Expr[] }
  | { readonly kind: 'unary'; readonly operand: Expr }
  | {
      readonly kind: 'binary';
      readonly op: '+' | '-' | '*' | '/' | '^';
      readonly left: Expr;
      readonly right: Expr;
    };

export class ExpressionError extends Error {}

type Token =
  | { kind: 'number'; value: number; at: number }
  | { kind: 'name'; value: string; at: number }
  | { kind: 'punct'; value: string; at: number };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source.charAt(i);
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const number = /^(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?/.exec(source.slice(i));
    if (number) {
      tokens.push({ kind: 'number', value: Number.parseFloat(number[0]), at: i });
      i += number[0].length;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i));
    if (name) {
      tokens.push({ kind: 'name', value: name[0], at: i });
      i += name[0].length;
      continue;
    }
    if ('+-*/^(),'.includes(c)) {
      tokens.push({ kind: 'punct', value: c, at: i });
      i++;
      continue;
    }
    throw new ExpressionError(`Unrecognized character '${c}' at position ${i + 1}`);
  }
  return tokens;
}

export function parseExpression(source: string): Expr {
  const tokens = tokenize(source);
  let position = 0;
  const peek = (): Token | undefined => tokens[position];
  const isPunct = (value: string): boolean => {
    const t = peek();
    return t?.kind === 'punct' && t.value === value;
  };
  const expect = (value: string): void => {
    if (!isPunct(value)) {
      const t = peek();
      throw new ExpressionError(
        t
          ? `Expected '${value}' at position ${t.at + 1}`
          : `Expected '${value}' at the end of the expression`,
      );
    }
    position++;
  };

  const primary = (): Expr => {
    const t = peek();
    if (!t) throw new ExpressionError('Unexpected end of the expression');
    position++;
    if (t.kind === 'number') return { kind: 'number', value: t.value };
    if (t.kind === 'name') {
      if (isPunct('(')) {
        position++;
        const args: Expr[] = [];
        if (!isPunct(')')) {
          args.push(additive());
          while (isPunct(',')) {
            position++;
            args.push(additive());
          }
        }
        expect(')');
        return { kind: 'call', name: t.value.toUpperCase(), args };
      }
      return { kind: 'id', name: t.value };
    }
    if (t.value === '(') {
      const inner = additive();
      expect(')');
      return inner;
    }
    if (t.value === '-') return { kind: 'unary', operand: power() };
    throw new ExpressionError(`Unexpected '${t.value}' at position ${t.at + 1}`);
  };
  const power = (): Expr => {
    const base = primary();
    if (isPunct('^')) {
      position++;
      return { kind: 'binary', op: '^', left: base, right: power() };
    }
    return base;
  };
  const multiplicative = (): Expr => {
    let left = power();
    while (isPunct('*') || isPunct('/')) {
      const op = (peek() as Token).value as '*' | '/';
      position++;
      left = { kind: 'binary', op, left, right: power() };
    }
    return left;
  };
  function additive(): Expr {
    let left = multiplicative();
    while (isPunct('+') || isPunct('-')) {
      const op = (peek() as Token).value as '+' | '-';
      position++;
      left = { kind: 'binary', op, left, right: multiplicative() };
    }
    return left;
  }

  const expression = additive();
  const rest = peek();
  if (rest) throw new ExpressionError(`Unexpected '${String(rest.value)}' at position ${rest.at + 1}`);
  return expression;
}

/** The ids an expression reads. */
export function references(expr: Expr, out = new Set<string>()): Set<string> {
  switch (expr.kind) {
    case 'id':
      out.add(expr.name);
      break;
    case 'call':
      for (const arg of expr.args) references(arg, out);
      break;
    case 'unary':
      references(expr.operand, out);
      break;
    case 'binary':
      references(expr.left, out);
      references(expr.right, out);
      break;
    default:
      break;
  }
  return out;
}

/** A time series: timestamps ascending, values alongside. */
export interface Series {
  readonly times: readonly number[];
  readonly values: readonly number[];
}

type Value = number | Series;

export interface EvaluationScope {
  /** The series of a query id (a MetricStat or another expression). */
  series(id: string): Series;
  /** SERVICE_QUOTA(id): the applied quota of the usage metric `id` at each of its timestamps. */
  serviceQuota(id: string): Series;
}

function isSeries(value: Value): value is Series {
  return typeof value !== 'number';
}

const BINARY: Record<'+' | '-' | '*' | '/' | '^', (a: number, b: number) => number> = {
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => a / b,
  '^': (a, b) => a ** b,
};

function mapSeries(series: Series, f: (v: number) => number): Series {
  const times: number[] = [];
  const values: number[] = [];
  series.times.forEach((t, i) => {
    const v = f(series.values[i] ?? Number.NaN);
    if (Number.isFinite(v)) {
      times.push(t);
      values.push(v);
    }
  });
  return { times, values };
}

function combine(left: Value, right: Value, f: (a: number, b: number) => number): Value {
  if (!isSeries(left) && !isSeries(right)) return f(left, right);
  if (!isSeries(left)) return mapSeries(right as Series, (v) => f(left, v));
  if (!isSeries(right)) return mapSeries(left, (v) => f(v, right));
  const rightAt = new Map<number, number>();
  right.times.forEach((t, i) => rightAt.set(t, right.values[i] ?? Number.NaN));
  const times: number[] = [];
  const values: number[] = [];
  left.times.forEach((t, i) => {
    const r = rightAt.get(t);
    if (r === undefined) return;
    const v = f(left.values[i] ?? Number.NaN, r);
    if (Number.isFinite(v)) {
      times.push(t);
      values.push(v);
    }
  });
  return { times, values };
}

function unaryFunction(name: string, args: readonly Value[], f: (v: number) => number): Value {
  if (args.length !== 1) throw new ExpressionError(`${name} takes one argument, got ${args.length}`);
  const [arg] = args as [Value];
  return isSeries(arg) ? mapSeries(arg, f) : f(arg);
}

export function evaluate(expr: Expr, scope: EvaluationScope): Value {
  switch (expr.kind) {
    case 'number':
      return expr.value;
    case 'id':
      return scope.series(expr.name);
    case 'unary': {
      const operand = evaluate(expr.operand, scope);
      return isSeries(operand) ? mapSeries(operand, (v) => -v) : -operand;
    }
    case 'binary':
      return combine(evaluate(expr.left, scope), evaluate(expr.right, scope), BINARY[expr.op]);
    case 'call': {
      if (expr.name === 'SERVICE_QUOTA') {
        const [arg] = expr.args;
        if (expr.args.length !== 1 || arg?.kind !== 'id') {
          throw new ExpressionError('SERVICE_QUOTA takes one argument: the id of a usage metric query');
        }
        return scope.serviceQuota(arg.name);
      }
      const args = expr.args.map((arg) => evaluate(arg, scope));
      switch (expr.name) {
        case 'ABS':
          return unaryFunction('ABS', args, Math.abs);
        case 'CEIL':
          return unaryFunction('CEIL', args, Math.ceil);
        case 'FLOOR':
          return unaryFunction('FLOOR', args, Math.floor);
        default:
          throw new ExpressionError(`Unknown function ${expr.name}`);
      }
    }
  }
}

export function asSeries(value: Value): Series {
  return isSeries(value) ? value : { times: [], values: [] };
}
