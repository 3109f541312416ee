/**
 * What a plan's changes add to each quota: every resource instance's use under its family,
 * counted in for a create, out for a delete, and both for a replacement or an update (so they
 * net out). What cannot be told is listed, never dropped: resource types no family knows, and
 * uses that depend on values known only after apply. Pure.
 */
import { configAddress, isUnknown, valueAt } from './plan.js';
import type { QuotaUse, ResourceChange, ResourceFamily } from './types.js';

/** One resource's part in a quota's delta. */
export interface Contribution {
  readonly address: string;
  /** create, delete, replace or update. */
  readonly action: 'create' | 'delete' | 'replace' | 'update';
  /** Signed: what it adds (or frees). */
  readonly amount: number;
  readonly why: string;
  readonly scope: string | null;
}

export interface QuotaDelta {
  readonly serviceCode: string;
  readonly quotaCode: string;
  /** Summed across the plan; for a quota per resource, the busiest scope's sum. */
  readonly amount: number;
  /** For a quota per resource: the scope whose sum `amount` is. */
  readonly scope: string | null;
  readonly contributions: readonly Contribution[];
}

export interface PlanNeeds {
  /** By SERVICE/CODE, in the order first seen. */
  readonly deltas: readonly QuotaDelta[];
  /** Resource types no family knows (AWS or not), with the addresses changed. */
  readonly unknownTypes: readonly { type: string; addresses: readonly string[] }[];
  /** Resources whose use depends on values known only after apply. */
  readonly undecided: readonly { address: string; attributes: readonly string[] }[];
  /** Resources changed and counted. */
  readonly counted: number;
}

function actionOf(change: ResourceChange): Contribution['action'] | null {
  const { actions } = change;
  if (actions.includes('create') && actions.includes('delete')) return 'replace';
  if (actions.includes('create')) return 'create';
  if (actions.includes('delete')) return 'delete';
  if (actions.includes('update')) return 'update';
  return null;
}

type Values = Readonly<Record<string, unknown>>;

/**
 * What an attribute of a change refers to, on one side of the plan: the resource whose id, name
 * or ARN it holds, or, for a value known only after apply (a resource created in the same plan),
 * the resource its configuration expression references.
 */
function lookupFor(
  change: ResourceChange,
  side: 'before' | 'after',
  changes: readonly ResourceChange[],
  expressions: ReadonlyMap<string, Values>,
): (path: string) => Values | undefined {
  const valuesOf = (c: ResourceChange) => (side === 'after' ? (c.after ?? c.before) : c.before);
  return (path) => {
    const value = valueAt(change[side], path);
    if (typeof value === 'string' && value !== '') {
      const byValue = changes.find((c) => {
        const v = valuesOf(c);
        return c !== change && v !== null && (v.id === value || v.name === value || v.arn === value);
      });
      if (byValue !== undefined) return valuesOf(byValue) ?? undefined;
    }
    const own = configAddress(change.address);
    const references = (valueAt(expressions.get(own), path) as { references?: unknown } | undefined)
      ?.references;
    if (!Array.isArray(references)) return undefined;
    const prefix = own.slice(0, own.length - `${change.type}.`.length - (own.split('.').at(-1)?.length ?? 0));
    for (const reference of references) {
      if (typeof reference !== 'string') continue;
      const [type, name] = reference.split('.');
      if (type === undefined || name === undefined || type === 'data' || type === 'var' || type === 'local')
        continue;
      const target = changes.find((c) => configAddress(c.address) === `${prefix}${type}.${name}`);
      if (target !== undefined) return valuesOf(target) ?? undefined;
    }
    return undefined;
  };
}

export function planNeeds(
  changes: readonly ResourceChange[],
  familyOf: (type: string) => ResourceFamily | undefined,
  expressions: ReadonlyMap<string, Values> = new Map(),
): PlanNeeds {
  const deltas = new Map<string, { serviceCode: string; quotaCode: string; contributions: Contribution[] }>();
  const unknownTypes = new Map<string, string[]>();
  const undecided: { address: string; attributes: string[] }[] = [];
  let counted = 0;
  const add = (address: string, action: Contribution['action'], use: QuotaUse, sign: 1 | -1) => {
    const key = `${use.serviceCode}/${use.quotaCode}`;
    const entry = deltas.get(key) ?? {
      serviceCode: use.serviceCode,
      quotaCode: use.quotaCode,
      contributions: [],
    };
    entry.contributions.push({
      address,
      action,
      amount: sign * use.amount,
      why: use.why,
      scope: use.scope ?? null,
    });
    deltas.set(key, entry);
  };
  for (const change of changes) {
    if (change.mode !== 'managed') continue;
    const action = actionOf(change);
    if (action === null) continue;
    const family = familyOf(change.type);
    if (family === undefined) {
      unknownTypes.set(change.type, [...(unknownTypes.get(change.type) ?? []), change.address]);
      continue;
    }
    counted++;
    const unknown: string[] = [];
    if (action !== 'delete' && change.after !== null) {
      const after = family.uses(
        change.type,
        change.after,
        (path) => isUnknown(change.afterUnknown, path),
        lookupFor(change, 'after', changes, expressions),
      );
      for (const use of after.uses) add(change.address, action, use, 1);
      unknown.push(...after.unknown);
    }
    if (action !== 'create' && change.before !== null) {
      const before = family.uses(
        change.type,
        change.before,
        () => false,
        lookupFor(change, 'before', changes, expressions),
      );
      for (const use of before.uses) add(change.address, action, use, -1);
    }
    if (unknown.length > 0) undecided.push({ address: change.address, attributes: unknown });
  }
  return {
    deltas: [...deltas.values()].map((d) => ({ ...d, ...busiest(d.contributions) })),
    unknownTypes: [...unknownTypes].map(([type, addresses]) => ({ type, addresses })),
    undecided,
    counted,
  };
}

/** The plan's sum, or for a quota per resource the largest sum of one scope. */
function busiest(contributions: readonly Contribution[]): { amount: number; scope: string | null } {
  const sums = new Map<string | null, number>();
  for (const c of contributions) sums.set(c.scope, (sums.get(c.scope) ?? 0) + c.amount);
  const unscoped = sums.get(null);
  if (unscoped !== undefined && sums.size === 1) return { amount: round(unscoped), scope: null };
  let best: { amount: number; scope: string | null } = { amount: -Infinity, scope: null };
  for (const [scope, sum] of sums)
    if (scope !== null && sum > best.amount) best = { amount: round(sum), scope };
  return best;
}

/** Sums of fractions (TiB from GiB) without float dust. */
function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
