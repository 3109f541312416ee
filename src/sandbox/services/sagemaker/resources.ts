/**
 * Seeded SageMaker resources of an account and region: endpoints with their endpoint configs,
 * training jobs and notebook instances. Instances in service are sized against the target's
 * instance-type quotas ("ml.m5.xlarge for endpoint usage"…, found in the catalog by name): only
 * types whose applied value is above 1 are used, and their use stays under it; in about half the
 * targets one type of each kind runs near its limit. Resources that hold no counted instance sit
 * beside them: failed and serverless endpoints, finished and Managed Spot training jobs, stopped
 * notebooks.
 */
import { loadCatalog } from '../../world/catalog.js';
import { type ResourceModel, type ResourceScope, countBetween } from '../../world/resources.js';

export type InstanceKind = 'endpoint' | 'training job' | 'notebook instance';

/** "ml.m5.xlarge for endpoint usage" → the type and the kind of use. */
export const INSTANCE_QUOTA_NAME = /^(ml\.\S+) for (endpoint|training job|notebook instance) usage$/;

/** A production or shadow variant of an endpoint config. */
export interface Variant {
  readonly name: string;
  readonly modelName: string;
  /** Absent for a serverless variant. */
  readonly instanceType?: string;
  readonly initialInstanceCount?: number;
  readonly shadow: boolean;
}

export interface EndpointConfig {
  readonly name: string;
  readonly arn: string;
  readonly createdAt: Date;
  readonly variants: readonly Variant[];
}

export type EndpointStatus = 'InService' | 'Updating' | 'Creating' | 'Failed';

export interface Endpoint {
  readonly name: string;
  readonly arn: string;
  readonly status: EndpointStatus;
  readonly configName: string;
  readonly createdAt: Date;
  readonly modifiedAt: Date;
  /**
   * The instances each instance-backed variant runs now, by variant name (autoscaling moves it
   * away from the config's initial count); none for a failed endpoint.
   */
  readonly currentInstances: Readonly<Record<string, number>>;
}

export type TrainingStatus = 'InProgress' | 'Completed' | 'Failed' | 'Stopped';

export interface InstanceGroup {
  readonly name: string;
  readonly instanceType: string;
  readonly instanceCount: number;
}

export interface TrainingJob {
  readonly name: string;
  readonly arn: string;
  readonly status: TrainingStatus;
  readonly createdAt: Date;
  readonly modifiedAt: Date;
  /** One type and count, or (a heterogeneous cluster) instance groups. */
  readonly instanceType?: string;
  readonly instanceCount?: number;
  readonly instanceGroups?: readonly InstanceGroup[];
  readonly spot: boolean;
}

export type NotebookStatus = 'InService' | 'Stopped' | 'Pending';

export interface NotebookInstance {
  readonly name: string;
  readonly arn: string;
  readonly status: NotebookStatus;
  readonly instanceType: string;
  readonly createdAt: Date;
  readonly modifiedAt: Date;
}

export interface SageMakerResources {
  /** Newest first, as the List calls sort by default. */
  readonly endpoints: readonly Endpoint[];
  readonly endpointConfigs: readonly EndpointConfig[];
  readonly trainingJobs: readonly TrainingJob[];
  readonly notebooks: readonly NotebookInstance[];
}

interface TypeQuota {
  readonly instanceType: string;
  readonly kind: InstanceKind;
  readonly quotaCode: string;
}

let typeQuotas: readonly TypeQuota[] | undefined;

/** The catalog's SageMaker instance-type quotas of the three counted kinds. */
export function instanceTypeQuotas(): readonly TypeQuota[] {
  typeQuotas ??= (loadCatalog().service('sagemaker')?.quotas ?? []).flatMap((q) => {
    const match = INSTANCE_QUOTA_NAME.exec(q.quotaName);
    return match?.[1] && match[2]
      ? [{ instanceType: match[1], kind: match[2] as InstanceKind, quotaCode: q.quotaCode }]
      : [];
  });
  return typeQuotas;
}

let spotQuotas: readonly { instanceType: string; quotaCode: string }[] | undefined;

/** The catalog's "<type> for spot training job usage" quotas: where a Managed Spot job counts. */
function spotTypes(): readonly { instanceType: string; quotaCode: string }[] {
  spotQuotas ??= (loadCatalog().service('sagemaker')?.quotas ?? []).flatMap((q) => {
    const type = /^(ml\.\S+) for spot training job usage$/.exec(q.quotaName)?.[1];
    return type === undefined ? [] : [{ instanceType: type, quotaCode: q.quotaCode }];
  });
  return spotQuotas;
}

/** 2025-01-01T00:00:00Z. */
const EPOCH = Date.UTC(2025, 0, 1);
const HOUR_MS = 3_600_000;

/**
 * How many instances of each type of a kind to put in service: up to three types whose limit is
 * above 1, a few instances each, one of them near its limit in about half the targets; always
 * under the limit.
 */
function budgets(scope: ResourceScope, kind: InstanceKind): Map<string, number> {
  const usable = instanceTypeQuotas()
    .filter((q) => q.kind === kind)
    .map((q) => ({ ...q, limit: scope.limit('sagemaker', q.quotaCode) }))
    .filter((q) => q.limit > 1)
    .sort(
      (a, b) => scope.unit('sagemaker', kind, a.instanceType) - scope.unit('sagemaker', kind, b.instanceType),
    );
  const chosen = usable.slice(0, countBetween(scope, 1, 3, 'sagemaker', kind, 'types'));
  const near = scope.unit('sagemaker', kind, 'near') < 0.5;
  const out = new Map<string, number>();
  chosen.forEach((q, i) => {
    const wanted =
      near && i === 0
        ? Math.ceil(q.limit * (0.8 + 0.15 * scope.unit('sagemaker', kind, q.instanceType, 'near')))
        : countBetween(scope, 1, 4, 'sagemaker', kind, q.instanceType, 'count');
    out.set(q.instanceType, Math.max(0, Math.min(wanted, q.limit - 1)));
  });
  return out;
}

/** Takes up to `most` of a type's remaining budget. */
function take(budget: Map<string, number>, type: string, most: number): number {
  const left = budget.get(type) ?? 0;
  const taken = Math.min(left, most);
  budget.set(type, left - taken);
  return taken;
}

function arn(scope: ResourceScope, kind: string, name: string): string {
  return `arn:aws:sagemaker:${scope.region}:${scope.account.id}:${kind}/${name}`;
}

function endpoints(scope: ResourceScope): Pick<SageMakerResources, 'endpoints' | 'endpointConfigs'> {
  const budget = budgets(scope, 'endpoint');
  const list: Endpoint[] = [];
  const configs: EndpointConfig[] = [];
  const created = (name: string): number =>
    EPOCH + Math.floor(scope.unit('sagemaker', name, 'created') * 2000) * HOUR_MS;
  const add = (
    name: string,
    status: EndpointStatus,
    config: EndpointConfig,
    currentInstances: Record<string, number>,
  ): void => {
    list.push({
      name,
      arn: arn(scope, 'endpoint', name),
      status,
      configName: config.name,
      createdAt: new Date(created(name)),
      modifiedAt: new Date(created(name) + 6 * HOUR_MS),
      currentInstances,
    });
  };
  const newConfig = (name: string, variants: Variant[]): EndpointConfig => {
    const config = {
      name,
      arn: arn(scope, 'endpoint-config', name),
      createdAt: new Date(created(name)),
      variants,
    };
    configs.push(config);
    return config;
  };

  let n = 0;
  for (const type of [...budget.keys()]) {
    while ((budget.get(type) ?? 0) > 0 && n < 8) {
      n++;
      const name = `model-${n}-${scope.region}`;
      const current = take(budget, type, countBetween(scope, 1, 3, 'sagemaker', name, 'count'));
      const variants: Variant[] = [
        {
          name: 'AllTraffic',
          modelName: `${name}-model`,
          instanceType: type,
          initialInstanceCount: Math.max(
            1,
            current + countBetween(scope, -1, 1, 'sagemaker', name, 'initial'),
          ),
          shadow: false,
        },
      ];
      const counts: Record<string, number> = { AllTraffic: current };
      // A shadow variant of another type with budget left, now and then.
      const other = [...budget.entries()].find(([t, left]) => t !== type && left > 0)?.[0];
      if (other !== undefined && scope.unit('sagemaker', name, 'shadow') < 0.3) {
        counts.Shadow = take(budget, other, 1);
        variants.push({
          name: 'Shadow',
          modelName: `${name}-challenger`,
          instanceType: other,
          initialInstanceCount: 1,
          shadow: true,
        });
      }
      const status = scope.unit('sagemaker', name, 'status') < 0.8 ? 'InService' : 'Updating';
      add(name, status, newConfig(`${name}-config`, variants), counts);
    }
  }
  // A second endpoint on the first one's config (blue/green), when its type has room.
  const first = configs[0];
  const firstType = first?.variants[0]?.instanceType;
  if (first && firstType !== undefined && take(budget, firstType, 1) === 1) {
    add(`model-1-${scope.region}-green`, 'InService', first, { AllTraffic: 1 });
  }
  // Endpoints that hold no counted instance: a serverless one and a failed one.
  if (scope.unit('sagemaker', 'serverless') < 0.5) {
    const name = `serverless-${scope.region}`;
    const config = newConfig(`${name}-config`, [
      { name: 'AllTraffic', modelName: `${name}-model`, shadow: false },
    ]);
    add(name, 'InService', config, {});
  }
  if (scope.unit('sagemaker', 'failed') < 0.5) {
    const name = `broken-${scope.region}`;
    const type = instanceTypeQuotas().find((q) => q.kind === 'endpoint')?.instanceType ?? 'ml.m5.large';
    const config = newConfig(`${name}-config`, [
      {
        name: 'AllTraffic',
        modelName: `${name}-model`,
        instanceType: type,
        initialInstanceCount: 1,
        shadow: false,
      },
    ]);
    add(name, 'Failed', config, {});
  }
  list.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.name < b.name ? -1 : 1));
  return { endpoints: list, endpointConfigs: configs };
}

function trainingJobs(scope: ResourceScope): TrainingJob[] {
  const budget = budgets(scope, 'training job');
  const jobs: TrainingJob[] = [];
  const job = (name: string, rest: Omit<TrainingJob, 'name' | 'arn' | 'createdAt' | 'modifiedAt'>): void => {
    const created = EPOCH + Math.floor(scope.unit('sagemaker', name, 'created') * 2000) * HOUR_MS;
    jobs.push({
      name,
      arn: arn(scope, 'training-job', name),
      createdAt: new Date(created),
      modifiedAt: new Date(created + HOUR_MS),
      ...rest,
    });
  };
  let n = 0;
  for (const type of [...budget.keys()]) {
    while ((budget.get(type) ?? 0) > 0 && n < 8) {
      n++;
      const name = `train-${n}-${scope.region}`;
      const other = [...budget.entries()].find(([t, left]) => t !== type && left > 0)?.[0];
      if (other !== undefined && scope.unit('sagemaker', name, 'groups') < 0.3) {
        // A heterogeneous cluster: instance groups of two types.
        job(name, {
          status: 'InProgress',
          spot: false,
          instanceGroups: [
            { name: 'main', instanceType: type, instanceCount: take(budget, type, 2) },
            { name: 'aux', instanceType: other, instanceCount: take(budget, other, 1) },
          ],
        });
        continue;
      }
      const count = take(budget, type, countBetween(scope, 1, 4, 'sagemaker', name, 'count'));
      job(name, { status: 'InProgress', spot: false, instanceType: type, instanceCount: count });
    }
  }
  // Jobs that hold no counted instance: finished ones, and a Managed Spot job (its own quotas).
  const anyType = instanceTypeQuotas().find((q) => q.kind === 'training job')?.instanceType ?? 'ml.m5.large';
  const finished: TrainingStatus[] = ['Completed', 'Completed', 'Failed', 'Stopped'];
  finished.slice(0, countBetween(scope, 1, 4, 'sagemaker', 'finished')).forEach((status, i) => {
    job(`done-${i + 1}-${scope.region}`, { status, spot: false, instanceType: anyType, instanceCount: 2 });
  });
  const spotType = spotTypes().find((q) => scope.limit('sagemaker', q.quotaCode) > 1)?.instanceType;
  if (spotType !== undefined && scope.unit('sagemaker', 'spot') < 0.5) {
    job(`spot-${scope.region}`, {
      status: 'InProgress',
      spot: true,
      instanceType: spotType,
      instanceCount: 1,
    });
  }
  return jobs.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.name < b.name ? -1 : 1));
}

function notebooks(scope: ResourceScope): NotebookInstance[] {
  const budget = budgets(scope, 'notebook instance');
  const list: NotebookInstance[] = [];
  const notebook = (name: string, status: NotebookStatus, instanceType: string): void => {
    const created = EPOCH + Math.floor(scope.unit('sagemaker', name, 'created') * 2000) * HOUR_MS;
    list.push({
      name,
      arn: arn(scope, 'notebook-instance', name),
      status,
      instanceType,
      createdAt: new Date(created),
      modifiedAt: new Date(created + HOUR_MS),
    });
  };
  let n = 0;
  for (const [type, count] of budget) {
    for (let i = 0; i < count; i++) notebook(`nb-${++n}-${scope.region}`, 'InService', type);
  }
  // Notebooks that hold no instance in service.
  const anyType =
    instanceTypeQuotas().find((q) => q.kind === 'notebook instance')?.instanceType ?? 'ml.t3.medium';
  for (let i = 0; i < countBetween(scope, 0, 2, 'sagemaker', 'stopped'); i++) {
    notebook(`nb-stopped-${i + 1}-${scope.region}`, i === 1 ? 'Pending' : 'Stopped', anyType);
  }
  return list.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.name < b.name ? -1 : 1));
}

function generate(scope: ResourceScope): SageMakerResources {
  if (!scope.active) return { endpoints: [], endpointConfigs: [], trainingJobs: [], notebooks: [] };
  return { ...endpoints(scope), trainingJobs: trainingJobs(scope), notebooks: notebooks(scope) };
}

/** The SageMaker instance-type quotas have no usage metric: nothing to report to CloudWatch. */
export const sageMakerResources: ResourceModel<SageMakerResources> = { name: 'sagemaker', generate };
