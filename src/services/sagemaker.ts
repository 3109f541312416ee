/**
 * Amazon SageMaker usage of the instance-type quotas, found by name rather than code (SageMaker
 * has one per ML instance type and use: "ml.m5.xlarge for endpoint usage", "… for training job
 * usage", "… for notebook instance usage"; about 370 in all). Each is the number of instances of
 * that type in service:
 *
 * - endpoints: every endpoint but a Failed one (which runs nothing) is described, and each
 *   production and shadow variant's CurrentInstanceCount is added to the instance type its
 *   endpoint config gives the variant (one DescribeEndpointConfig per config, however many
 *   endpoints share it; serverless variants have no type and run no instance of the quota's);
 * - training jobs: the InProgress ones (ListTrainingJobs StatusEquals), each described for its
 *   ResourceConfig: InstanceCount of InstanceType, or every instance group of a heterogeneous
 *   cluster. Managed Spot jobs are left out: they count against "… for spot training job usage";
 * - notebook instances: the InService ones (ListNotebookInstances StatusEquals), whose summaries
 *   carry the instance type.
 *
 * Every matching quota the target has gets a value, 0 when its type is not in use, so the
 * utilisation covers the whole family (a few hundred samples; a 0 costs nothing extra to find,
 * since the listing already says the type is idle). Only the kinds the target has quotas of are
 * listed.
 */
import {
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  type DescribeEndpointConfigCommandOutput,
  DescribeTrainingJobCommand,
  type ProductionVariantSummary,
  type SageMakerClient,
  paginateListEndpoints,
  paginateListNotebookInstances,
  paginateListTrainingJobs,
} from '@aws-sdk/client-sagemaker';
import type { Quota } from '../domain/quota.js';
import type { CountContext, UsageCount, UsageCounter } from './service.js';

/** The largest MaxResults the SageMaker List calls take. */
const PAGE_SIZE = 100;

type Kind = 'endpoint' | 'training job' | 'notebook instance';

/** "ml.m5.xlarge for endpoint usage" → the instance type and what uses it. */
const INSTANCE_QUOTA = /^(ml\.\S+) for (endpoint|training job|notebook instance) usage$/;

/** The instance type and kind of use a quota counts, or undefined when it is not one of ours. */
export function instanceQuota(
  quota: Pick<Quota, 'serviceCode' | 'quotaName'>,
): { instanceType: string; kind: Kind } | undefined {
  if (quota.serviceCode !== 'sagemaker') return undefined;
  const match = INSTANCE_QUOTA.exec(quota.quotaName);
  return match?.[1] && match[2] ? { instanceType: match[1], kind: match[2] as Kind } : undefined;
}

/** Instances in service by type. */
type Tally = Map<string, number>;

function add(tally: Tally, type: string | undefined, count: number | undefined): void {
  if (type === undefined || count === undefined || count === 0) return;
  tally.set(type, (tally.get(type) ?? 0) + count);
}

async function endpointInstances(client: SageMakerClient): Promise<Tally> {
  const names: string[] = [];
  for await (const page of paginateListEndpoints({ client }, { MaxResults: PAGE_SIZE })) {
    for (const e of page.Endpoints ?? []) {
      if (e.EndpointStatus !== 'Failed' && e.EndpointName !== undefined) names.push(e.EndpointName);
    }
  }
  const configs = new Map<string, Promise<DescribeEndpointConfigCommandOutput>>();
  const config = (name: string) => {
    let found = configs.get(name);
    if (!found) {
      found = client.send(new DescribeEndpointConfigCommand({ EndpointConfigName: name }));
      configs.set(name, found);
    }
    return found;
  };
  const tally: Tally = new Map();
  await Promise.all(
    names.map(async (EndpointName) => {
      const endpoint = await client.send(new DescribeEndpointCommand({ EndpointName }));
      const running: ProductionVariantSummary[] = [
        ...(endpoint.ProductionVariants ?? []),
        ...(endpoint.ShadowProductionVariants ?? []),
      ];
      if (
        endpoint.EndpointConfigName === undefined ||
        !running.some((v) => (v.CurrentInstanceCount ?? 0) > 0)
      ) {
        return;
      }
      const described = await config(endpoint.EndpointConfigName);
      const typeOf = new Map(
        [...(described.ProductionVariants ?? []), ...(described.ShadowProductionVariants ?? [])].map((v) => [
          v.VariantName,
          v.InstanceType,
        ]),
      );
      for (const variant of running)
        add(tally, typeOf.get(variant.VariantName), variant.CurrentInstanceCount);
    }),
  );
  return tally;
}

async function trainingInstances(client: SageMakerClient): Promise<Tally> {
  const names: string[] = [];
  const listing = paginateListTrainingJobs({ client }, { StatusEquals: 'InProgress', MaxResults: PAGE_SIZE });
  for await (const page of listing) {
    for (const job of page.TrainingJobSummaries ?? []) {
      if (job.TrainingJobName !== undefined) names.push(job.TrainingJobName);
    }
  }
  const tally: Tally = new Map();
  const jobs = await Promise.all(
    names.map((TrainingJobName) => client.send(new DescribeTrainingJobCommand({ TrainingJobName }))),
  );
  for (const job of jobs) {
    if (job.EnableManagedSpotTraining === true) continue;
    const config = job.ResourceConfig;
    if (config?.InstanceGroups && config.InstanceGroups.length > 0) {
      for (const group of config.InstanceGroups) add(tally, group.InstanceType, group.InstanceCount);
    } else {
      add(tally, config?.InstanceType, config?.InstanceCount);
    }
  }
  return tally;
}

async function notebookInstances(client: SageMakerClient): Promise<Tally> {
  const tally: Tally = new Map();
  const listing = paginateListNotebookInstances(
    { client },
    { StatusEquals: 'InService', MaxResults: PAGE_SIZE },
  );
  for await (const page of listing) {
    for (const notebook of page.NotebookInstances ?? []) add(tally, notebook.InstanceType, 1);
  }
  return tally;
}

const COUNT: Record<Kind, (client: SageMakerClient) => Promise<Tally>> = {
  endpoint: endpointInstances,
  'training job': trainingInstances,
  'notebook instance': notebookInstances,
};

async function findUsage(ctx: CountContext): Promise<UsageCount[]> {
  const wanted = ctx.quotas.flatMap((quota) => {
    const found = instanceQuota(quota);
    return found ? [{ ...found, quotaCode: quota.quotaCode }] : [];
  });
  if (wanted.length === 0) return [];
  const client = ctx.session.sageMaker(ctx.target);
  const kinds = [...new Set(wanted.map((w) => w.kind))];
  const tallies = new Map(
    await Promise.all(kinds.map(async (kind) => [kind, await COUNT[kind](client)] as const)),
  );
  return wanted.map((w) => ({
    quotaCode: w.quotaCode,
    value: tallies.get(w.kind)?.get(w.instanceType) ?? 0,
  }));
}

export const sageMaker: UsageCounter = {
  serviceCode: 'sagemaker',
  global: false,
  quotas: [],
  matching: {
    counts:
      'instances of each ML instance type in service: on endpoints ("<type> for endpoint usage"), ' +
      'in InProgress training jobs other than Managed Spot ("<type> for training job usage") and in ' +
      'InService notebook instances ("<type> for notebook instance usage")',
    matches: (quota) => instanceQuota(quota) !== undefined,
  },
  iamActions: [
    'sagemaker:ListEndpoints',
    'sagemaker:DescribeEndpoint',
    'sagemaker:DescribeEndpointConfig',
    'sagemaker:ListTrainingJobs',
    'sagemaker:DescribeTrainingJob',
    'sagemaker:ListNotebookInstances',
  ],
  findUsage,
};
