/**
 * Test helpers for talking to a sandbox: one sandbox per test file, SDK and AWS CLI settings for
 * an account, the targets it seeds, its call counts, and raw signed requests (for the malformed
 * inputs no SDK would send), signed with the SDK's own SigV4 signer.
 */
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import {
  GetRequestedServiceQuotaChangeCommand,
  GetServiceQuotaCommand,
  type RequestedServiceQuotaChange,
  type ServiceQuotasClient,
} from '@aws-sdk/client-service-quotas';
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { Target } from '../../src/domain/target.js';
import {
  type AccountInfo,
  type RuntimeConfig,
  type Sandbox,
  type SandboxOptions,
  startSandbox,
} from '../../src/sandbox/index.js';
import type { AwsCallOptions } from './aws-cli.js';

/**
 * A sandbox for the tests of the file (or `describe`) that calls this at its top level: started
 * before them, closed after them and, given `reset`, set back to those run-time switches after each
 * test (so a test's throttling or denials do not reach the next). The Sandbox returned reads
 * through to the running one, so it can be held in a `const` while hooks start and stop it.
 */
export function sandboxForTests(options: SandboxOptions = {}, reset?: Partial<RuntimeConfig>): Sandbox {
  let running: Sandbox | undefined;
  const current = (): Sandbox => {
    if (!running) throw new Error('the sandbox runs only inside tests and their hooks');
    return running;
  };
  beforeAll(async () => {
    running = await startSandbox(options);
  });
  if (reset) {
    afterEach(() => {
      current().admin.configure(reset);
    });
  }
  afterAll(async () => {
    await running?.close();
    running = undefined;
  });
  return {
    get url() {
      return current().url;
    },
    get port() {
      return current().port;
    },
    get admin() {
      return current().admin;
    },
    close: () => current().close(),
  };
}

/** Where a test reads: an account of the sandbox (by index, 0 the management account) and a region. */
export interface SandboxPlace {
  readonly index: number;
  readonly accountId: string;
  readonly region: string;
}

/** Every account of the sandbox in every one of the regions, with the account's index. */
export function sandboxPlaces(sandbox: Sandbox, regions: readonly string[]): SandboxPlace[] {
  return sandbox.admin
    .accounts()
    .flatMap((a, index) => regions.map((region) => ({ index, accountId: a.id, region })));
}

/** Every account of the sandbox in every one of the regions, as targets. */
export function sandboxTargets(sandbox: Sandbox, regions: readonly string[]): Target[] {
  return sandbox.admin.accounts().flatMap((a) => regions.map((region) => ({ accountId: a.id, region })));
}

/** How many calls of the operation the sandbox has answered with success so far. */
export function successCalls(sandbox: Sandbox, operation: string): number {
  return sandbox.admin.callTotal({ operation, outcome: 'success' });
}

/** `successCalls` of each of the operations, by operation. */
export function successCallsOf(sandbox: Sandbox, operations: readonly string[]): Record<string, number> {
  return Object.fromEntries(operations.map((operation) => [operation, successCalls(sandbox, operation)]));
}

/** The successful calls of each operation made since `before` (a `successCallsOf` taken earlier). */
export function successCallsSince(
  sandbox: Sandbox,
  operations: readonly string[],
  before: Record<string, number>,
): Record<string, number> {
  const now = successCallsOf(sandbox, operations);
  return Object.fromEntries(operations.map((op) => [op, (now[op] ?? 0) - (before[op] ?? 0)]));
}

/** AWS CLI call options for an account of the sandbox (by index) in a region (us-east-1 if none). */
export function cliOptions(sandbox: Sandbox, account: number, region?: string): AwsCallOptions {
  const { endpoint, credentials } = clientSettings(sandbox, { account });
  return { endpoint, credentials, ...(region === undefined ? {} : { region }) };
}

/** An SDK call's failure as the tests compare it: the error's name, message and HTTP status. */
export interface CallFailure {
  name: string;
  message: string;
  status?: number;
}

/** The failure of a call that must fail (the call succeeding fails the test). */
export async function failureOf(promise: Promise<unknown>): Promise<CallFailure> {
  try {
    await promise;
  } catch (error) {
    const e = error as Error & { $metadata?: { httpStatusCode?: number } };
    return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode };
  }
  throw new Error('the call succeeded');
}

/** A call's outcome in one string: `ok`, or the failure's name, HTTP status and message. */
export async function outcomeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    const e = error as Error & { $metadata?: { httpStatusCode?: number } };
    return `${e.name} ${String(e.$metadata?.httpStatusCode)} ${e.message}`;
  }
}

export interface ClientSettings {
  region: string;
  endpoint: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  maxAttempts?: number;
}

/** SDK v3 client settings for an account of the sandbox (by index; 0 is the management account). */
export function clientSettings(
  sandbox: Sandbox,
  options: { account?: number; region?: string; maxAttempts?: number } = {},
): ClientSettings {
  const account = sandbox.admin.accounts()[options.account ?? 0];
  if (!account) throw new Error(`the sandbox has no account ${options.account ?? 0}`);
  return {
    region: options.region ?? 'us-east-1',
    endpoint: sandbox.url,
    credentials: { accessKeyId: account.accessKeyId, secretAccessKey: account.secretAccessKey },
    ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
  };
}

export interface RawRequest {
  /** SigV4 signing name: servicequotas, monitoring, sts… */
  service: string;
  region?: string;
  body: string;
  headers: Record<string, string>;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Leave the request unsigned. */
  unsigned?: boolean;
}

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  json(): Record<string, unknown>;
}

/** Sends one request as an SDK would, signed with SigV4, but with any body and headers. */
export async function sendRaw(sandbox: Sandbox, request: RawRequest): Promise<RawResponse> {
  const url = new URL(sandbox.url);
  const region = request.region ?? 'us-east-1';
  const credentials = request.credentials ?? clientSettings(sandbox).credentials;
  let headers: Record<string, string> = { host: url.host, ...request.headers };
  if (!request.unsigned) {
    const signer = new SignatureV4({
      service: request.service,
      region,
      credentials,
      sha256: Hash.bind(null, 'sha256'),
    });
    const signed = await signer.sign({
      method: 'POST',
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: '/',
      headers,
      body: request.body,
    });
    headers = signed.headers;
  }
  return postRaw(sandbox, headers, request.body);
}

/** Posts exactly these headers and body to the sandbox, signed or not. */
export async function postRaw(
  sandbox: Sandbox,
  headers: Record<string, string>,
  body: string,
): Promise<RawResponse> {
  const response = await fetch(sandbox.url, { method: 'POST', headers, body });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    text,
    json: () => JSON.parse(text) as Record<string, unknown>,
  };
}

/** A Service Quotas JSON 1.1 call with a raw body. */
export function serviceQuotasRaw(
  sandbox: Sandbox,
  operation: string,
  body: string,
  extra: Partial<RawRequest> = {},
) {
  return sendRaw(sandbox, {
    service: 'servicequotas',
    body,
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `ServiceQuotasV20190624.${operation}`,
    },
    ...extra,
  });
}

/** The CloudWatch metric of EC2's Running On-Demand Standard vCPUs (L-1216C47A), as AWS/Usage names it. */
export const EC2_VCPU_METRIC = {
  Namespace: 'AWS/Usage',
  MetricName: 'ResourceCount',
  Dimensions: [
    { Name: 'Class', Value: 'Standard/OnDemand' },
    { Name: 'Resource', Value: 'vCPU' },
    { Name: 'Service', Value: 'EC2' },
    { Name: 'Type', Value: 'Resource' },
  ],
};

/** A quota's applied value through GetServiceQuota, or NaN when it has none. */
export async function currentValue(
  sq: ServiceQuotasClient,
  quota: { ServiceCode: string; QuotaCode: string },
): Promise<number> {
  const { Quota } = await sq.send(new GetServiceQuotaCommand(quota));
  return Quota?.Value ?? Number.NaN;
}

/** An increase request through GetRequestedServiceQuotaChange. */
export async function requestedQuota(
  sq: ServiceQuotasClient,
  id: string,
): Promise<RequestedServiceQuotaChange> {
  const { RequestedQuota } = await sq.send(new GetRequestedServiceQuotaChangeCommand({ RequestId: id }));
  return RequestedQuota ?? {};
}

/** The sandbox's accounts by role: the management account and two members (production, staging). */
export function sandboxAccounts(sandbox: Sandbox): {
  management: AccountInfo;
  production: AccountInfo;
  staging: AccountInfo;
} {
  const accounts = sandbox.admin.accounts();
  const management = accounts.find((a) => a.management);
  const [production, staging] = accounts.filter((a) => !a.management);
  if (!management || !production || !staging) throw new Error('the sandbox lacks its three accounts');
  return { management, production, staging };
}

/**
 * headroom.yaml for a sandbox: its endpoint, the management account as the base credentials'
 * own, every member through OrganizationAccountAccessRole, and any further lines.
 */
export function sandboxConfig(
  sandbox: Sandbox,
  options: { regions: readonly string[]; services: readonly string[]; extra?: readonly string[] },
): string {
  const accounts = sandbox.admin.accounts();
  return [
    'aws:',
    `  endpoint: ${sandbox.url}`,
    'accounts:',
    ...accounts.flatMap((a) => [
      `  - id: '${a.id}'`,
      `    name: ${a.name}`,
      ...(a.management ? [] : [`    roleArn: arn:aws:iam::${a.id}:role/OrganizationAccountAccessRole`]),
    ]),
    `regions: [${options.regions.join(', ')}]`,
    'services:',
    `  include: [${options.services.join(', ')}]`,
    ...(options.extra ?? []),
    '',
  ].join('\n');
}

/**
 * The first `count` quotas of a comparison that the sandbox will approve when raised to the
 * source's value: lower in the destination, adjustable, and at most ten times the value they
 * raise from (the sandbox denies more, by its deterministic rule). As SERVICE/CODE.
 */
export function approvableQuotas(
  rows: readonly {
    serviceCode: string;
    quotaCode: string;
    destinationLower: boolean;
    adjustable: boolean;
    source: { value: number | null } | null;
    destination: { value: number | null } | null;
  }[],
  count: number,
): string[] {
  return rows
    .filter(
      (r) =>
        r.destinationLower &&
        r.adjustable &&
        (r.source?.value ?? 0) <= 10 * Math.max(r.destination?.value ?? 0, 1),
    )
    .slice(0, count)
    .map((r) => `${r.serviceCode}/${r.quotaCode}`);
}
