/**
 * The sandbox's SageMaker (JSON 1.1) through the real SDK client: ListEndpoints, ListTrainingJobs
 * and ListNotebookInstances in pages of 2 (every NextToken followed, StatusEquals applied, items
 * equal to the seeded resources), DescribeEndpoint, DescribeEndpointConfig and
 * DescribeTrainingJob for each, errors as SageMaker answers them (ValidationException for what
 * is missing, ThrottlingException 400), and both AWS CLIs reading it.
 */
import {
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeTrainingJobCommand,
  ListEndpointsCommand,
  ListTrainingJobsCommand,
  SageMakerClient,
  paginateListEndpoints,
  paginateListNotebookInstances,
  paginateListTrainingJobs,
} from '@aws-sdk/client-sagemaker';
import { describe, expect, it } from 'vitest';
import type { SageMakerResources } from '../../src/sandbox/services/sagemaker/resources.js';
import { AWS_CLIS, awsCliJson, checkAwsCliFirst, runAwsCli } from '../helpers/aws-cli.js';
import {
  clientSettings,
  cliOptions,
  sandboxForTests,
  type SandboxPlace,
  sandboxPlaces,
  sendRaw,
  successCalls,
} from '../helpers/sandbox.js';

const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1'];

const sandbox = sandboxForTests({ pageSize: 2, throttle: 'off' }, { throttle: 'off' });

const targets = (): SandboxPlace[] => sandboxPlaces(sandbox, REGIONS);

function seeded(accountId: string, region: string): SageMakerResources {
  return sandbox.admin.resources('sagemaker', accountId, region) as SageMakerResources;
}

function client(index: number, region: string): SageMakerClient {
  return new SageMakerClient(clientSettings(sandbox, { account: index, region }));
}

const calls = (operation: string): number => successCalls(sandbox, operation);

const pages = (items: number): number => Math.max(1, Math.ceil(items / 2));

describe('SageMaker through the SDK', () => {
  it('ListEndpoints, DescribeEndpoint and DescribeEndpointConfig give every seeded endpoint and config', async () => {
    let endpoints = 0;
    let shadows = 0;
    for (const { index, accountId, region } of targets()) {
      const expected = seeded(accountId, region);
      const sm = client(index, region);
      const before = calls('ListEndpoints');
      const names: string[] = [];
      for await (const page of paginateListEndpoints({ client: sm }, {})) {
        expect(page.Endpoints?.length ?? 0).toBeLessThanOrEqual(2);
        names.push(...(page.Endpoints ?? []).map((e) => e.EndpointName ?? ''));
      }
      expect(names).toEqual(expected.endpoints.map((e) => e.name));
      expect(calls('ListEndpoints') - before).toBe(pages(names.length));

      for (const endpoint of expected.endpoints) {
        const described = await sm.send(new DescribeEndpointCommand({ EndpointName: endpoint.name }));
        expect(described).toMatchObject({
          EndpointArn: endpoint.arn,
          EndpointStatus: endpoint.status,
          EndpointConfigName: endpoint.configName,
          CreationTime: endpoint.createdAt,
        });
        const running = [
          ...(described.ProductionVariants ?? []),
          ...(described.ShadowProductionVariants ?? []),
        ];
        expect(
          Object.fromEntries(
            running
              .filter((v) => v.CurrentInstanceCount !== undefined)
              .map((v) => [v.VariantName, v.CurrentInstanceCount]),
          ),
        ).toEqual(endpoint.currentInstances);
        shadows += described.ShadowProductionVariants?.length ?? 0;

        const config = await sm.send(
          new DescribeEndpointConfigCommand({ EndpointConfigName: endpoint.configName }),
        );
        const seededConfig = expected.endpointConfigs.find((c) => c.name === endpoint.configName);
        expect(
          [...(config.ProductionVariants ?? []), ...(config.ShadowProductionVariants ?? [])].map((v) => [
            v.VariantName,
            v.InstanceType,
            v.InitialInstanceCount,
          ]),
        ).toEqual(seededConfig?.variants.map((v) => [v.name, v.instanceType, v.initialInstanceCount]));
        endpoints++;
      }
    }
    expect(endpoints).toBeGreaterThan(10);
    expect(shadows).toBeGreaterThan(0);
  });

  it('ListTrainingJobs filters by StatusEquals, and DescribeTrainingJob gives each job’s instances', async () => {
    let inProgress = 0;
    for (const { index, accountId, region } of targets()) {
      const expected = seeded(accountId, region).trainingJobs;
      const sm = client(index, region);
      for (const status of [undefined, 'InProgress'] as const) {
        const before = calls('ListTrainingJobs');
        const names: string[] = [];
        for await (const page of paginateListTrainingJobs({ client: sm }, { StatusEquals: status })) {
          expect(page.TrainingJobSummaries?.length ?? 0).toBeLessThanOrEqual(2);
          names.push(...(page.TrainingJobSummaries ?? []).map((j) => j.TrainingJobName ?? ''));
        }
        const wanted = expected.filter((j) => status === undefined || j.status === status);
        expect(names).toEqual(wanted.map((j) => j.name));
        expect(calls('ListTrainingJobs') - before).toBe(pages(wanted.length));
      }
      for (const job of expected.filter((j) => j.status === 'InProgress')) {
        const described = await sm.send(new DescribeTrainingJobCommand({ TrainingJobName: job.name }));
        expect(described).toMatchObject({
          TrainingJobArn: job.arn,
          TrainingJobStatus: 'InProgress',
          EnableManagedSpotTraining: job.spot,
        });
        expect(described.ResourceConfig?.InstanceType).toBe(job.instanceType);
        expect(described.ResourceConfig?.InstanceCount).toBe(job.instanceCount);
        expect(
          described.ResourceConfig?.InstanceGroups?.map((g) => [g.InstanceType, g.InstanceCount]),
        ).toEqual(job.instanceGroups?.map((g) => [g.instanceType, g.instanceCount]));
        inProgress++;
      }
    }
    expect(inProgress).toBeGreaterThan(10);
  });

  it('ListNotebookInstances filters by StatusEquals and gives each notebook’s instance type', async () => {
    let notebooks = 0;
    for (const { index, accountId, region } of targets()) {
      const expected = seeded(accountId, region).notebooks.filter((n) => n.status === 'InService');
      const got: [string, string][] = [];
      for await (const page of paginateListNotebookInstances(
        { client: client(index, region) },
        { StatusEquals: 'InService' },
      )) {
        got.push(
          ...(page.NotebookInstances ?? []).map((n): [string, string] => [
            n.NotebookInstanceName ?? '',
            n.InstanceType ?? '',
          ]),
        );
      }
      expect(got).toEqual(expected.map((n) => [n.name, n.instanceType]));
      notebooks += got.length;
    }
    expect(notebooks).toBeGreaterThan(10);
  });

  it('answers what is missing with ValidationException, 400, as SageMaker does', async () => {
    const sm = client(0, 'us-east-1');
    const cases: [() => Promise<unknown>, string][] = [
      [
        () => sm.send(new DescribeEndpointCommand({ EndpointName: 'nope' })),
        'Could not find endpoint "nope".',
      ],
      [
        () => sm.send(new DescribeEndpointConfigCommand({ EndpointConfigName: 'nope' })),
        'Could not find endpoint configuration "nope".',
      ],
      [
        () => sm.send(new DescribeTrainingJobCommand({ TrainingJobName: 'nope' })),
        'Requested resource not found.',
      ],
    ];
    for (const [send, message] of cases) {
      await expect(send()).rejects.toMatchObject({
        name: 'ValidationException',
        message,
        $metadata: { httpStatusCode: 400 },
      });
    }
  });

  it('rejects a bad NextToken, a token replayed with another filter and a bad MaxResults', async () => {
    const { index, region } = targets().find(
      (t) => seeded(t.accountId, t.region).trainingJobs.filter((j) => j.status === 'InProgress').length > 2,
    ) ?? { index: 0, region: 'us-east-1' };
    const sm = client(index, region);
    const first = await sm.send(new ListTrainingJobsCommand({ StatusEquals: 'InProgress' }));
    expect(first.NextToken).toBeTypeOf('string');
    for (const send of [
      () => sm.send(new ListEndpointsCommand({ NextToken: 'bm90IGEgdG9rZW4=' })),
      () => sm.send(new ListTrainingJobsCommand({ NextToken: first.NextToken })),
      () => sm.send(new ListTrainingJobsCommand({ MaxResults: 0 })),
    ]) {
      const reply = send();
      await expect(reply).rejects.toMatchObject({
        name: 'ValidationException',
        $metadata: { httpStatusCode: 400 },
      });
    }
  });

  it('throttles with SageMaker’s error: ThrottlingException, 400, "Rate exceeded"', async () => {
    sandbox.admin.configure({ throttle: 'aws' });
    const results = await Promise.all(
      Array.from({ length: 40 }, () =>
        sendRaw(sandbox, {
          service: 'sagemaker',
          region: 'eu-west-1',
          body: '{}',
          headers: {
            'content-type': 'application/x-amz-json-1.1',
            'x-amz-target': 'SageMaker.ListEndpoints',
          },
        }),
      ),
    );
    const throttled = results.filter((r) => r.status !== 200);
    expect(throttled.length).toBeGreaterThan(0);
    expect(results.length - throttled.length).toBeGreaterThanOrEqual(10);
    for (const reply of throttled) {
      expect(reply.status).toBe(400);
      expect(reply.json()).toEqual({ __type: 'ThrottlingException', Message: 'Rate exceeded' });
    }
  });
});

/** A CLI timestamp: ISO 8601 (v2) or the wire's epoch seconds (v1, `cli_timestamp_format` none). */
function millis(value: string | number): number {
  return typeof value === 'number' ? value * 1000 : Date.parse(value);
}

describe.each(AWS_CLIS)('$label', (cli) => {
  checkAwsCliFirst(cli);

  const as = (index: number, region: string) => cliOptions(sandbox, index, region);

  /** The target with the most of something, so the CLI follows several pages. */
  function busiest(size: (r: SageMakerResources) => number): SandboxPlace {
    const sorted = targets().sort(
      (a, b) => size(seeded(b.accountId, b.region)) - size(seeded(a.accountId, a.region)),
    );
    if (!sorted[0]) throw new Error('no target');
    return sorted[0];
  }

  it('sagemaker list-endpoints and describe-endpoint-config match the seeded endpoints', async () => {
    const { index, accountId, region } = busiest((r) => r.endpoints.length);
    const expected = seeded(accountId, region);
    const out = await awsCliJson<{
      Endpoints: { EndpointName: string; EndpointStatus: string; CreationTime: string | number }[];
    }>(cli, ['sagemaker', 'list-endpoints'], as(index, region));
    expect(out.Endpoints.map((e) => [e.EndpointName, e.EndpointStatus, millis(e.CreationTime)])).toEqual(
      expected.endpoints.map((e) => [e.name, e.status, e.createdAt.getTime()]),
    );
    const config = expected.endpointConfigs[0];
    if (!config) throw new Error('no endpoint config');
    const described = await awsCliJson<{
      ProductionVariants: { VariantName: string; InstanceType?: string }[];
    }>(
      cli,
      ['sagemaker', 'describe-endpoint-config', '--endpoint-config-name', config.name],
      as(index, region),
    );
    expect(described.ProductionVariants.map((v) => [v.VariantName, v.InstanceType])).toEqual(
      config.variants.filter((v) => !v.shadow).map((v) => [v.name, v.instanceType]),
    );
  }, 120_000);

  it('sagemaker list-training-jobs --status-equals InProgress and list-notebook-instances match the seed', async () => {
    const { index, accountId, region } = busiest((r) => r.trainingJobs.length);
    const expected = seeded(accountId, region);
    const jobs = await awsCliJson<{ TrainingJobSummaries: { TrainingJobName: string }[] }>(
      cli,
      ['sagemaker', 'list-training-jobs', '--status-equals', 'InProgress'],
      as(index, region),
    );
    expect(jobs.TrainingJobSummaries.map((j) => j.TrainingJobName)).toEqual(
      expected.trainingJobs.filter((j) => j.status === 'InProgress').map((j) => j.name),
    );
    const notebooks = await awsCliJson<{
      NotebookInstances: { NotebookInstanceName: string; InstanceType: string }[];
    }>(cli, ['sagemaker', 'list-notebook-instances'], as(index, region));
    expect(notebooks.NotebookInstances.map((n) => [n.NotebookInstanceName, n.InstanceType])).toEqual(
      expected.notebooks.map((n) => [n.name, n.instanceType]),
    );
  }, 120_000);

  it('reports the ValidationException of an unknown endpoint', async () => {
    const result = await runAwsCli(
      cli,
      ['sagemaker', 'describe-endpoint', '--endpoint-name', 'nope'],
      as(0, 'us-east-1'),
    );
    expect(result.code).toBe(cli.serviceErrorExitCode);
    expect(result.stderr).toContain('ValidationException');
    expect(result.stderr).toContain('Could not find endpoint "nope".');
  }, 120_000);
});
