/**
 * What every resource family shares: the quotas it names, the lookup of a resource another one
 * points at, and reading a resource's plan values by attribute path.
 *
 * Paths are Terraform's attribute paths with dots, list indexes as numbers: `instance_type`,
 * `scaling_config.0.max_size`. Nested blocks are lists of objects in plan JSON, so the first
 * `scaling_config` block is `scaling_config.0`.
 */
import type { QuotaUse, ResourceFamily, ResourceUse } from '../types.js';

export type Values = Readonly<Record<string, unknown>>;
export type UnknownOf = (path: string) => boolean;

/**
 * The values of the resource that one of this resource's attributes points at, by that
 * attribute's path: `lookup('launch_template.0.id')` gives the launch template's values. The
 * caller resolves it from the configuration's references (a template created in the same plan
 * has no id yet) or by the attribute's value when it is known (an id or a name), and gives the
 * same side as `values` (after for after, before for before); undefined when it cannot tell.
 */
export type ReferenceLookup = (path: string) => Values | undefined;

/** A quota as the Service Quotas catalog names it. */
export interface QuotaRef {
  readonly serviceCode: string;
  readonly quotaCode: `L-${string}`;
  /** Its QuotaName in the catalog, word for word. */
  readonly name: string;
}

/** A ResourceFamily that also declares every quota its uses can name (checked against the catalog). */
export interface DeclaredFamily extends ResourceFamily {
  readonly quotas: readonly QuotaRef[];
}

/**
 * One use of a quota. `scope` is for a quota that applies per resource (per VPC, per
 * Availability Zone, per security group, per cluster): which one, as `<kind> <id>`, such as
 * `vpc vpc-0abc`. A scope the plan does not know yet reads `<kind> (created in this plan)`, so
 * all such uses of a quota are summed together: the conservative choice.
 */
export function use(quota: QuotaRef, amount: number, why: string, scope?: string): QuotaUse {
  const base = { serviceCode: quota.serviceCode, quotaCode: quota.quotaCode, amount, why };
  return scope === undefined ? base : { ...base, scope };
}

/** What a scope reads when the plan does not know which resource yet (see use). */
export const IN_THIS_PLAN = '(created in this plan)';

/** The value at a path, or undefined when any step of it is missing. */
export function valueAt(values: Values, path: string): unknown {
  let here: unknown = values;
  for (const step of path.split('.')) {
    if (Array.isArray(here) && /^\d+$/.test(step)) here = (here as unknown[])[Number(step)];
    else if (isRecord(here)) here = here[step];
    else return undefined;
  }
  return here;
}

function isRecord(value: unknown): value is Values {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * One resource's values and what of them is unknown, read by path. A path counts as unknown
 * when it or any block above it is (`cpu_options` unknown makes `cpu_options.0.core_count`
 * unknown), whichever way the caller's unknownOf answers for nested paths.
 */
export interface Attributes {
  readonly values: Values;
  unknown(path: string): boolean;
  /** A finite number, or undefined (absent, null, unknown or not a number). */
  number(path: string): number | undefined;
  /** A non-empty string, or undefined. */
  string(path: string): string | undefined;
  /** A boolean, or undefined. */
  boolean(path: string): boolean | undefined;
  /** A list (elements may be null where unknown), or undefined. */
  list(path: string): readonly unknown[] | undefined;
  /** A nested block (a list of one object), or undefined when absent or empty. */
  block(path: string): Values | undefined;
  /** The values of the resource an attribute points at (see ReferenceLookup). */
  lookup(path: string): Values | undefined;
}

export function attributesOf(values: Values, unknownOf: UnknownOf, lookup?: ReferenceLookup): Attributes {
  const unknown = (path: string): boolean => {
    const steps = path.split('.');
    return steps.some((_, i) => unknownOf(steps.slice(0, i + 1).join('.')));
  };
  return {
    values,
    unknown,
    number(path) {
      const v = valueAt(values, path);
      return typeof v === 'number' && Number.isFinite(v) && !unknown(path) ? v : undefined;
    },
    string(path) {
      const v = valueAt(values, path);
      return typeof v === 'string' && v !== '' && !unknown(path) ? v : undefined;
    },
    boolean(path) {
      const v = valueAt(values, path);
      return typeof v === 'boolean' && !unknown(path) ? v : undefined;
    },
    list(path) {
      const v = valueAt(values, path);
      return Array.isArray(v) && !unknown(path) ? (v as unknown[]) : undefined;
    },
    block(path) {
      const v = valueAt(values, `${path}.0`);
      return isRecord(v) && !unknown(path) ? v : undefined;
    },
    lookup(path) {
      return lookup?.(path);
    },
  };
}

/** A resource that uses one of a quota whatever its values (in one scope, when given). */
export function one(quota: QuotaRef, what: string, scope?: string): ResourceUse {
  return { uses: [use(quota, 1, what, scope)], unknown: [] };
}

/** `1 subnet`, `3 vCPUs`. */
export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}
