/**
 * What `headroom check` works with: a Terraform plan's resource changes, normalised, and the
 * quota needs each resource family derives from a resource's values. Pure types.
 */

/** Terraform's change actions (plan JSON, `resource_changes[].change.actions`). */
export type PlanAction = 'no-op' | 'create' | 'read' | 'update' | 'delete';

/** One resource instance's change, as the plan gives it (count and for_each already expanded). */
export interface ResourceChange {
  /** Its full address, module path and index included: `module.net.aws_subnet.private["a"]`. */
  readonly address: string;
  readonly type: string;
  readonly mode: 'managed' | 'data';
  readonly actions: readonly PlanAction[];
  /** The values before (null for a create) and after (null for a delete). */
  readonly before: Readonly<Record<string, unknown>> | null;
  readonly after: Readonly<Record<string, unknown>> | null;
  /** Which `after` values are only known after apply: the same shape, `true` where unknown. */
  readonly afterUnknown: Readonly<Record<string, unknown>>;
}

/** One quota a resource uses, and how much of it. */
export interface QuotaUse {
  readonly serviceCode: string;
  readonly quotaCode: string;
  /** In the quota's unit: instances, vCPUs, GiB, TiB, rules… */
  readonly amount: number;
  /** How it was worked out, in words: `m5.2xlarge: 8 vCPUs`. */
  readonly why: string;
  /**
   * For a quota that applies per resource (subnets per VPC, rules per security group, NAT
   * gateways per Availability Zone, node groups per cluster): which one, such as `vpc-0abc` or
   * `aws_security_group.web`. Uses are summed per scope, and the busiest scope is what is
   * checked; without a scope, uses are summed across the plan.
   */
  readonly scope?: string;
}

/**
 * What one resource's values use, or why it cannot be told. `unknown` lists the attributes a
 * use depends on that the plan leaves unknown until apply (the use is then left out, and said).
 */
export interface ResourceUse {
  readonly uses: readonly QuotaUse[];
  readonly unknown: readonly string[];
}

/**
 * A resource family: the Terraform resource types it knows, and what one resource of them uses
 * given its values (`after` for what is created, `before` for what is deleted). `unknownOf` says
 * whether an attribute is unknown in these values (always false for `before`).
 */
export interface ResourceFamily {
  readonly name: string;
  readonly types: readonly string[];
  uses(
    type: string,
    values: Readonly<Record<string, unknown>>,
    unknownOf: (path: string) => boolean,
    /**
     * The values of the resource an attribute refers to (`launch_template.0.id` → the launch
     * template's), from the same side of the plan; undefined when the plan does not say.
     */
    lookup?: (path: string) => Readonly<Record<string, unknown>> | undefined,
  ): ResourceUse;
}
