/**
 * Amazon SageMaker (`sagemaker`, awsJson1_1, target prefix `SageMaker`): the list and describe
 * calls of endpoints, endpoint configs, training jobs and notebook instances over the seeded
 * resources (resources.ts). SageMaker answers a missing endpoint, endpoint config or training job
 * with a ValidationException ("Could not find endpoint …", "Requested resource not found."), not
 * the ResourceNotFound its model names. SageMaker publishes no API rate: 10 requests per second
 * with a burst of 10 is assumed (what headroom's client paces at).
 */
import { AwsError, jsonDialect } from '../../core/errors.js';
import { paginate } from '../../core/pagination.js';
import type { Handler, RequestContext, ServiceDefinition } from '../../core/service.js';
import { integer, string, structure, timestamp } from '../../core/shapes.js';
import { type Endpoint, type EndpointConfig, type Variant, sageMakerResources } from './resources.js';

const sageMakerDialect = jsonDialect({
  messageKey: 'Message',
  throttling: () => new AwsError('ThrottlingException', 'Rate exceeded', 400, { messageKey: 'Message' }),
  internalFailure: () =>
    new AwsError('InternalFailure', 'An internal error occurred.', 500, { messageKey: 'Message' }),
  accessDenied: (message) => new AwsError('AccessDeniedException', message, 400, { messageKey: 'Message' }),
});

const validation = (message: string): AwsError => sageMakerDialect.validation(message);

function resources(ctx: RequestContext) {
  return ctx.world.resources.of(sageMakerResources, ctx.account, ctx.region);
}

interface Listed {
  readonly name: string;
  readonly status: string;
  readonly createdAt: Date;
  readonly modifiedAt: Date;
}

/** Whether a time is within the call's `<prefix>Before` / `<prefix>After` bounds (both exclusive). */
function within(input: Record<string, unknown>, prefix: string, time: Date): boolean {
  const before = input[`${prefix}Before`] as Date | undefined;
  const after = input[`${prefix}After`] as Date | undefined;
  return (before === undefined || time < before) && (after === undefined || time > after);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * One page of a List call: filtered by StatusEquals and NameContains, sorted as asked (default
 * CreationTime, Descending), paged by NextToken/MaxResults (default 10, as SageMaker's).
 */
function page<T extends Listed>(ctx: RequestContext, input: Record<string, unknown>, items: readonly T[]) {
  const status = input.StatusEquals as string | undefined;
  const contains = (input.NameContains as string | undefined)?.toLowerCase();
  const ascending = input.SortOrder === 'Ascending';
  const chosen = items
    .filter((i) => status === undefined || i.status === status)
    .filter((i) => contains === undefined || i.name.toLowerCase().includes(contains))
    .filter(
      (i) => within(input, 'CreationTime', i.createdAt) && within(input, 'LastModifiedTime', i.modifiedAt),
    )
    .sort((a, b) => {
      const order =
        input.SortBy === 'Name'
          ? compare(a.name, b.name)
          : input.SortBy === 'Status'
            ? compare(a.status, b.status) || compare(a.name, b.name)
            : a.createdAt.getTime() - b.createdAt.getTime() || compare(a.name, b.name);
      return ascending ? order : -order;
    });
  return paginate(chosen, {
    tokens: ctx.pageTokens,
    // Every parameter but the token and the page size must stay the same from page to page.
    scope: JSON.stringify([
      ctx.operation,
      ctx.account.id,
      ctx.region,
      Object.entries(input)
        .filter(([key]) => key !== 'NextToken' && key !== 'MaxResults')
        .sort(([a], [b]) => compare(a, b)),
    ]),
    nextToken: input.NextToken as string | undefined,
    maxResults: input.MaxResults as number | undefined,
    defaultSize: 10,
    cap: ctx.pageSize,
    invalidToken: () => validation('Invalid pagination token.'),
  });
}

const listEndpoints: Handler = (ctx, input) => {
  const result = page(ctx, input, resources(ctx).endpoints);
  return {
    Endpoints: result.items.map((e) => ({
      EndpointName: e.name,
      EndpointArn: e.arn,
      CreationTime: e.createdAt,
      LastModifiedTime: e.modifiedAt,
      EndpointStatus: e.status,
    })),
    NextToken: result.nextToken,
  };
};

function variantSummary(endpoint: Endpoint, variant: Variant, at: Date) {
  const image = `763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.3-cpu-py311`;
  const current = endpoint.currentInstances[variant.name];
  return {
    VariantName: variant.name,
    DeployedImages: [
      { SpecifiedImage: image, ResolvedImage: `${image}@sha256:${'0'.repeat(64)}`, ResolutionTime: at },
    ],
    CurrentWeight: 1,
    DesiredWeight: 1,
    ...(variant.instanceType === undefined
      ? {
          CurrentServerlessConfig: { MemorySizeInMB: 2048, MaxConcurrency: 5 },
          DesiredServerlessConfig: { MemorySizeInMB: 2048, MaxConcurrency: 5 },
        }
      : { CurrentInstanceCount: current, DesiredInstanceCount: current }),
  };
}

function configOf(ctx: RequestContext, name: string): EndpointConfig | undefined {
  return resources(ctx).endpointConfigs.find((c) => c.name === name);
}

const describeEndpoint: Handler = (ctx, input) => {
  const name = input.EndpointName as string;
  const endpoint = resources(ctx).endpoints.find((e) => e.name === name);
  if (!endpoint) throw validation(`Could not find endpoint "${name}".`);
  const config = configOf(ctx, endpoint.configName);
  const failed = endpoint.status === 'Failed';
  const variants = (shadow: boolean) =>
    (config?.variants ?? [])
      .filter((v) => v.shadow === shadow)
      .map((v) => variantSummary(endpoint, v, endpoint.modifiedAt));
  const production = variants(false);
  const shadow = variants(true);
  return {
    EndpointName: endpoint.name,
    EndpointArn: endpoint.arn,
    EndpointConfigName: endpoint.configName,
    ...(failed || production.length === 0 ? {} : { ProductionVariants: production }),
    ...(failed || shadow.length === 0 ? {} : { ShadowProductionVariants: shadow }),
    EndpointStatus: endpoint.status,
    ...(failed
      ? {
          FailureReason:
            'Failed to launch the instances: the model container did not pass the ping health check.',
        }
      : {}),
    CreationTime: endpoint.createdAt,
    LastModifiedTime: endpoint.modifiedAt,
  };
};

function variantConfig(variant: Variant) {
  return {
    VariantName: variant.name,
    ModelName: variant.modelName,
    ...(variant.instanceType === undefined
      ? { ServerlessConfig: { MemorySizeInMB: 2048, MaxConcurrency: 5 } }
      : { InitialInstanceCount: variant.initialInstanceCount, InstanceType: variant.instanceType }),
    InitialVariantWeight: 1,
  };
}

const describeEndpointConfig: Handler = (ctx, input) => {
  const name = input.EndpointConfigName as string;
  const config = configOf(ctx, name);
  if (!config) throw validation(`Could not find endpoint configuration "${name}".`);
  const shadow = config.variants.filter((v) => v.shadow).map(variantConfig);
  return {
    EndpointConfigName: config.name,
    EndpointConfigArn: config.arn,
    ProductionVariants: config.variants.filter((v) => !v.shadow).map(variantConfig),
    ...(shadow.length === 0 ? {} : { ShadowProductionVariants: shadow }),
    CreationTime: config.createdAt,
  };
};

const SECONDARY_STATUS: Record<string, string> = {
  InProgress: 'Training',
  Completed: 'Completed',
  Failed: 'Failed',
  Stopped: 'Stopped',
};

const listTrainingJobs: Handler = (ctx, input) => {
  const result = page(ctx, input, resources(ctx).trainingJobs);
  return {
    TrainingJobSummaries: result.items.map((j) => ({
      TrainingJobName: j.name,
      TrainingJobArn: j.arn,
      CreationTime: j.createdAt,
      ...(j.status === 'InProgress' ? {} : { TrainingEndTime: j.modifiedAt }),
      LastModifiedTime: j.modifiedAt,
      TrainingJobStatus: j.status,
      SecondaryStatus: SECONDARY_STATUS[j.status],
    })),
    NextToken: result.nextToken,
  };
};

const describeTrainingJob: Handler = (ctx, input) => {
  const name = input.TrainingJobName as string;
  const job = resources(ctx).trainingJobs.find((j) => j.name === name);
  if (!job) throw validation('Requested resource not found.');
  const bucket = `s3://sagemaker-${ctx.region}-${ctx.account.id}`;
  return {
    TrainingJobName: job.name,
    TrainingJobArn: job.arn,
    ModelArtifacts: { S3ModelArtifacts: `${bucket}/${job.name}/output/model.tar.gz` },
    TrainingJobStatus: job.status,
    SecondaryStatus: SECONDARY_STATUS[job.status],
    AlgorithmSpecification: {
      TrainingImage: '763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.3-gpu-py311',
      TrainingInputMode: 'File',
    },
    RoleArn: `arn:aws:iam::${ctx.account.id}:role/SageMakerExecution`,
    OutputDataConfig: { S3OutputPath: `${bucket}/` },
    ResourceConfig: {
      ...(job.instanceGroups
        ? {
            InstanceGroups: job.instanceGroups.map((g) => ({
              InstanceType: g.instanceType,
              InstanceCount: g.instanceCount,
              InstanceGroupName: g.name,
            })),
          }
        : { InstanceType: job.instanceType, InstanceCount: job.instanceCount }),
      VolumeSizeInGB: 50,
    },
    StoppingCondition: {
      MaxRuntimeInSeconds: 86_400,
      ...(job.spot ? { MaxWaitTimeInSeconds: 172_800 } : {}),
    },
    CreationTime: job.createdAt,
    TrainingStartTime: job.createdAt,
    ...(job.status === 'InProgress' ? {} : { TrainingEndTime: job.modifiedAt }),
    LastModifiedTime: job.modifiedAt,
    EnableNetworkIsolation: false,
    EnableInterContainerTrafficEncryption: false,
    EnableManagedSpotTraining: job.spot,
  };
};

const listNotebookInstances: Handler = (ctx, input) => {
  const result = page(ctx, input, resources(ctx).notebooks);
  return {
    NotebookInstances: result.items.map((n) => ({
      NotebookInstanceName: n.name,
      NotebookInstanceArn: n.arn,
      NotebookInstanceStatus: n.status,
      Url: `${n.name}.notebook.${ctx.region}.sagemaker.aws`,
      InstanceType: n.instanceType,
      CreationTime: n.createdAt,
      LastModifiedTime: n.modifiedAt,
    })),
    NextToken: result.nextToken,
  };
};

const rate = { perSecond: 10, burst: 10 };
const NAME = '[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}';
const listInput = (statuses: readonly string[], sortKeys: readonly string[]) =>
  structure({
    NextToken: string({ max: 8192 }),
    MaxResults: integer({ min: 1, max: 100 }),
    NameContains: string({ max: 63, pattern: '[a-zA-Z0-9\\-]+' }),
    StatusEquals: string({ enum: statuses }),
    SortBy: string({ enum: sortKeys }),
    SortOrder: string({ enum: ['Ascending', 'Descending'] }),
    CreationTimeBefore: timestamp(),
    CreationTimeAfter: timestamp(),
    LastModifiedTimeBefore: timestamp(),
    LastModifiedTimeAfter: timestamp(),
  });

export const sageMaker: ServiceDefinition = {
  signingName: 'sagemaker',
  json: { version: '1.1', targetPrefix: 'SageMaker', queryCompatible: false },
  dialect: sageMakerDialect,
  operations: {
    ListEndpoints: {
      input: listInput(
        [
          'OutOfService',
          'Creating',
          'Updating',
          'SystemUpdating',
          'RollingBack',
          'InService',
          'Deleting',
          'Failed',
          'UpdateRollbackFailed',
        ],
        ['Name', 'CreationTime', 'Status'],
      ),
      handler: listEndpoints,
      rate,
    },
    DescribeEndpoint: {
      input: structure({ EndpointName: string({ max: 63, pattern: NAME }) }, ['EndpointName']),
      handler: describeEndpoint,
      rate,
    },
    DescribeEndpointConfig: {
      input: structure({ EndpointConfigName: string({ max: 63, pattern: NAME }) }, ['EndpointConfigName']),
      handler: describeEndpointConfig,
      rate,
    },
    ListTrainingJobs: {
      input: listInput(
        ['InProgress', 'Completed', 'Failed', 'Stopping', 'Stopped', 'Deleting'],
        ['Name', 'CreationTime', 'Status'],
      ),
      handler: listTrainingJobs,
      rate,
    },
    DescribeTrainingJob: {
      input: structure({ TrainingJobName: string({ min: 1, max: 63, pattern: NAME }) }, ['TrainingJobName']),
      handler: describeTrainingJob,
      rate,
    },
    ListNotebookInstances: {
      input: listInput(
        ['Pending', 'InService', 'Stopping', 'Stopped', 'Failed', 'Deleting', 'Updating'],
        ['Name', 'CreationTime', 'Status'],
      ),
      handler: listNotebookInstances,
      rate,
    },
  },
};
