/**
 * A Terraform plan in JSON (`terraform show -json plan.out`), read for `headroom check`: the
 * format version checked, each resource instance's change normalised (count and for_each are
 * expanded in the plan already), and the AWS provider's region when the configuration gives it
 * as a constant. Bad input is one `HR_CHECK_INPUT` naming the file and what is wrong. Pure.
 */
import { InputError } from '../domain/errors.js';
import type { PlanAction, ResourceChange } from './types.js';

/** The plan format versions headroom reads: 0.x and 1.x (Terraform 0.12 to today). */
const SUPPORTED_MAJORS = ['0', '1'];

const ACTIONS: readonly PlanAction[] = ['no-op', 'create', 'read', 'update', 'delete'];

export interface TerraformPlan {
  readonly formatVersion: string;
  readonly terraformVersion: string | null;
  /** The default aws provider's region, when the configuration sets it as a constant. */
  readonly region: string | null;
  readonly changes: readonly ResourceChange[];
  /**
   * Each configured resource's expressions, by its address without instance keys
   * (`module.net.aws_subnet.private`): where a value is only known after apply, its references
   * still say which resource it comes from.
   */
  readonly expressions: ReadonlyMap<string, Readonly<Record<string, unknown>>>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function bad(source: string, problem: string, hint?: string): InputError {
  return new InputError('HR_CHECK_INPUT', `${source}: ${problem}`, {
    hint:
      hint ??
      'give the JSON of a saved plan: terraform plan -out plan.out && terraform show -json plan.out > plan.json',
  });
}

export function parsePlan(text: string, source: string): TerraformPlan {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw bad(source, `is not JSON (${(error as Error).message})`);
  }
  if (!isRecord(data) || typeof data.format_version !== 'string') {
    throw bad(source, 'is not a Terraform plan: it has no format_version');
  }
  const version = data.format_version;
  if (!SUPPORTED_MAJORS.includes(version.split('.')[0] ?? '')) {
    throw bad(
      source,
      `plan format ${version} is not supported (headroom reads formats 0.x and 1.x)`,
      'run a Terraform whose `terraform show -json` writes format 1.x, or file an issue for the new format',
    );
  }
  if (data.resource_changes !== undefined && !Array.isArray(data.resource_changes)) {
    throw bad(source, 'is not a Terraform plan: resource_changes is not a list');
  }
  if (data.resource_changes === undefined && data.planned_values === undefined) {
    throw bad(
      source,
      'is not a Terraform plan: it has neither resource_changes nor planned_values (a state file?)',
    );
  }
  const changes = ((data.resource_changes ?? []) as unknown[]).map((raw, i) =>
    change(raw, `${source}: resource_changes[${i}]`),
  );
  return {
    formatVersion: version,
    terraformVersion: typeof data.terraform_version === 'string' ? data.terraform_version : null,
    region: regionOf(data.configuration),
    changes,
    expressions: configuredExpressions(data.configuration),
  };
}

/** configuration.root_module's resources and those of its module calls, by address. */
function configuredExpressions(configuration: unknown): Map<string, Record<string, unknown>> {
  const found = new Map<string, Record<string, unknown>>();
  const walk = (module: unknown, prefix: string) => {
    if (!isRecord(module)) return;
    for (const resource of Array.isArray(module.resources) ? module.resources : []) {
      if (isRecord(resource) && typeof resource.address === 'string' && isRecord(resource.expressions)) {
        found.set(`${prefix}${resource.address}`, resource.expressions);
      }
    }
    if (isRecord(module.module_calls)) {
      for (const [name, call] of Object.entries(module.module_calls)) {
        if (isRecord(call)) walk(call.module, `${prefix}module.${name}.`);
      }
    }
  };
  if (isRecord(configuration)) walk(configuration.root_module, '');
  return found;
}

/** A resource instance's address without instance keys: `module.a["x"].aws_b.c[0]` → `module.a.aws_b.c`. */
export function configAddress(address: string): string {
  return address.replace(/\[(?:"(?:[^"\\]|\\.)*"|\d+)\]/g, '');
}

/** The value at a dotted path (`a.0.b`) of plan values or expressions. */
export function valueAt(tree: unknown, path: string): unknown {
  let node = tree;
  for (const part of path.split('.')) {
    if (Array.isArray(node)) node = node[Number(part)];
    else if (isRecord(node)) node = node[part];
    else return undefined;
  }
  return node;
}

function change(raw: unknown, where: string): ResourceChange {
  if (
    !isRecord(raw) ||
    typeof raw.address !== 'string' ||
    typeof raw.type !== 'string' ||
    !isRecord(raw.change)
  ) {
    throw new InputError(
      'HR_CHECK_INPUT',
      `${where} is not a resource change (it needs address, type and change)`,
      {
        hint: 'give the plan as `terraform show -json` writes it, unedited',
      },
    );
  }
  const actions = raw.change.actions;
  if (!Array.isArray(actions) || !actions.every((a): a is PlanAction => ACTIONS.includes(a as PlanAction))) {
    throw new InputError(
      'HR_CHECK_INPUT',
      `${where} (${raw.address}).change.actions must be a list of ${ACTIONS.join(', ')}`,
      {
        hint: 'give the plan as `terraform show -json` writes it, unedited',
      },
    );
  }
  const values = (v: unknown) => (isRecord(v) ? v : null);
  return {
    address: raw.address,
    type: raw.type,
    mode: raw.mode === 'data' ? 'data' : 'managed',
    actions,
    before: values(raw.change.before),
    after: values(raw.change.after),
    afterUnknown: values(raw.change.after_unknown) ?? {},
  };
}

/** configuration.provider_config.aws.expressions.region.constant_value, when it is one. */
function regionOf(configuration: unknown): string | null {
  if (!isRecord(configuration) || !isRecord(configuration.provider_config)) return null;
  const aws = configuration.provider_config.aws;
  if (!isRecord(aws) || !isRecord(aws.expressions) || !isRecord(aws.expressions.region)) return null;
  const region = aws.expressions.region.constant_value;
  return typeof region === 'string' ? region : null;
}

/** Whether `path` (dotted, `a.0.b`) is marked unknown in an `after_unknown` tree. */
export function isUnknown(tree: unknown, path: string): boolean {
  let node = tree;
  for (const part of path.split('.')) {
    if (node === true) return true;
    if (Array.isArray(node)) node = node[Number(part)];
    else if (isRecord(node)) node = node[part];
    else return false;
  }
  return node === true;
}
