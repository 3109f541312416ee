/**
 * Bad input and bad authentication get the AWS error for them, in the request's own protocol:
 * JSON-RPC errors with `__type` and a message (CloudWatch adding `x-amzn-query-error`), query
 * errors as `<ErrorResponse>` XML whose RequestId matches the `x-amzn-requestid` header — never a
 * stack trace, an HTML page or a 500. Checked with raw signed requests (for what no SDK would send)
 * and with the real SDK v3 clients at `maxAttempts: 1`, as their callers see the errors.
 */
import {
  CloudWatchClient,
  CloudWatchServiceException,
  GetMetricDataCommand,
  type GetMetricDataCommandInput,
} from '@aws-sdk/client-cloudwatch';
import {
  GetServiceQuotaCommand,
  type GetServiceQuotaCommandInput,
  ListRequestedServiceQuotaChangeHistoryCommand,
  ListServiceQuotasCommand,
  ListServicesCommand,
  RequestServiceQuotaIncreaseCommand,
  type RequestStatus,
  ServiceQuotasClient,
  ServiceQuotasServiceException,
} from '@aws-sdk/client-service-quotas';
import {
  AssumeRoleCommand,
  type AssumeRoleCommandInput,
  GetCallerIdentityCommand,
  STSClient,
  STSServiceException,
} from '@aws-sdk/client-sts';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { type RawResponse, clientSettings, postRaw, sendRaw, serviceQuotasRaw } from '../helpers/sandbox.js';

const STS_VERSION = '2011-06-15';
const CLOUDWATCH_VERSION = '2010-08-01';
const FORM = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };
const CLOUDWATCH_JSON = {
  'content-type': 'application/x-amz-json-1.0',
  'x-amz-target': 'GraniteServiceVersion20100801.GetMetricData',
  'x-amzn-query-mode': 'true',
};
const NO_SUCH_KEY = {
  accessKeyId: 'AKIANOSUCHKEY0000000',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYNOSUCHKEY',
};
const MINUTE = 60_000;
/** An Authorization header in another scheme than AWS4-HMAC-SHA256 (here a bearer token). */
const NOT_SIGV4 = 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl';
const NO_STACK_TRACE = /\n\s+at\s|<html|<!DOCTYPE/i;

// ---------------------------------------------------------------------------------------------
// Helpers

function must<T>(value: T | undefined | null, what: string): T {
  if (value === undefined || value === null) throw new Error(`expected ${what}`);
  return value;
}

/** A rejected SDK call's error, checked to be the client's service exception (not a network or parse error). */
async function rejection<E extends Error>(
  promise: Promise<unknown>,
  kind: abstract new (...args: never) => E,
): Promise<E> {
  let caught: unknown = undefined;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  expect(caught, 'the call should have been rejected').toBeInstanceOf(kind);
  return caught as E;
}

/** The query-protocol members the SDK copies onto an error from `<Error>` (or `x-amzn-query-error`). */
function queryFields(error: Error): { Code: unknown; Type: unknown } {
  const { Code, Type } = error as Error & { Code?: unknown; Type?: unknown };
  return { Code, Type };
}

interface JsonErrorExpectation {
  status: number;
  type: string;
  version?: '1.0' | '1.1';
  /** The body member holding the message; omitted: either spelling. */
  messageKey?: 'message' | 'Message';
  message?: string | RegExp;
}

/** Asserts a JSON-RPC error reply and returns its message. */
function expectJsonError(res: RawResponse, expected: JsonErrorExpectation): string {
  expect(res.status, res.text).toBe(expected.status);
  expect(res.headers.get('content-type')).toBe(`application/x-amz-json-${expected.version ?? '1.1'}`);
  expect(res.headers.get('x-amzn-requestid')).toMatch(/^[\w-]{16,}$/);
  expect(res.text).not.toMatch(NO_STACK_TRACE);
  const body = res.json();
  const type = must(body.__type, '__type');
  expect(typeof type).toBe('string');
  // The SDK's sanitising: drop a `namespace#` prefix and a `:url` suffix.
  expect(String(type).replace(/^.*#/, '').replace(/:.*$/, '')).toBe(expected.type);
  const key = expected.messageKey ?? (typeof body.message === 'string' ? 'message' : 'Message');
  const message = body[key];
  expect(typeof message, `body.${key} in ${res.text}`).toBe('string');
  expect(message).not.toBe('');
  if (typeof expected.message === 'string') expect(message).toBe(expected.message);
  else if (expected.message) expect(message).toMatch(expected.message);
  return message as string;
}

function unescapeXml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#xD;/gi, '\r')
    .replace(/&amp;/g, '&');
}

interface QueryError {
  xmlns: string | undefined;
  type: string | undefined;
  code: string | undefined;
  message: string | undefined;
  requestId: string | undefined;
}

/** Parses `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>`. */
function parseQueryError(text: string): QueryError {
  const root =
    /^(?:<\?xml[^>]*\?>\s*)?<ErrorResponse(?:\s+xmlns="([^"]*)")?\s*>([\s\S]*)<\/ErrorResponse>\s*$/.exec(
      text,
    );
  expect(root, `an <ErrorResponse> document: ${text}`).not.toBeNull();
  const inner = root?.[2] ?? '';
  const errors = inner.match(/<Error>[\s\S]*?<\/Error>/g) ?? [];
  expect(errors, 'exactly one <Error>').toHaveLength(1);
  const error = errors[0] ?? '';
  const outside = inner.replace(error, '');
  const child = (xml: string, tag: string): string | undefined => {
    const found = new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml)?.[1];
    return found === undefined ? undefined : unescapeXml(found);
  };
  return {
    xmlns: root?.[1],
    type: child(error, 'Type'),
    code: child(error, 'Code'),
    message: child(error, 'Message'),
    requestId: child(outside, 'RequestId'),
  };
}

/** Asserts a query-protocol XML error reply and returns it parsed. */
function expectQueryError(
  res: RawResponse,
  expected: { status: number; code: string; message?: string | RegExp },
): QueryError {
  expect(res.status, res.text).toBe(expected.status);
  expect(res.headers.get('content-type')).toMatch(/^text\/xml\b/);
  expect(res.text).not.toMatch(NO_STACK_TRACE);
  const parsed = parseQueryError(res.text);
  expect(parsed.type).toBe('Sender');
  expect(parsed.code).toBe(expected.code);
  expect(parsed.message).toBeTruthy();
  if (typeof expected.message === 'string') expect(parsed.message).toBe(expected.message);
  else if (expected.message) expect(parsed.message).toMatch(expected.message);
  const headerId = res.headers.get('x-amzn-requestid');
  expect(headerId).toMatch(/^[\w-]{16,}$/);
  expect(parsed.requestId).toBe(headerId);
  return parsed;
}

function form(params: Record<string, string | number>): string {
  return new URLSearchParams(
    Object.entries(params).map(([k, v]): [string, string] => [k, String(v)]),
  ).toString();
}

function stsRaw(
  sandbox: Sandbox,
  params: Record<string, string | number>,
  extra: Partial<Parameters<typeof sendRaw>[1]> = {},
) {
  return sendRaw(sandbox, { service: 'sts', body: form(params), headers: FORM, ...extra });
}

/**
 * Signs a request as the SDK would (optionally at another date), so a test can change the
 * headers or the body afterwards and send it with `post`.
 */
async function signedHeaders(
  sandbox: Sandbox,
  request: {
    service: string;
    body: string;
    headers: Record<string, string>;
    credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
    signingDate?: Date;
  },
): Promise<Record<string, string>> {
  const url = new URL(sandbox.url);
  const signer = new SignatureV4({
    service: request.service,
    region: 'us-east-1',
    credentials: request.credentials ?? clientSettings(sandbox).credentials,
    sha256: Hash.bind(null, 'sha256'),
  });
  const signed = await signer.sign(
    {
      method: 'POST',
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: '/',
      query: {},
      headers: { host: url.host, ...request.headers },
      body: request.body,
    },
    request.signingDate ? { signingDate: request.signingDate } : {},
  );
  return signed.headers;
}

async function admin(
  sandbox: Sandbox,
  method: 'GET' | 'POST',
  path: string,
  body?: string,
): Promise<{ status: number; contentType: string | null; body: Record<string, unknown> }> {
  const response = await fetch(`${sandbox.url}${path}`, { method, ...(body === undefined ? {} : { body }) });
  const text = await response.text();
  expect(text).not.toMatch(NO_STACK_TRACE);
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    body: JSON.parse(text) as Record<string, unknown>,
  };
}

const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
const INVALID_TOKEN = 'The security token included in the request is invalid.';
const EXPIRED_TOKEN = 'The security token included in the request is expired';
const SIGNATURE_EXPIRED =
  /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 5 min\.\)$/;

// ---------------------------------------------------------------------------------------------

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ throttle: 'off' });
});

afterAll(async () => {
  await sandbox.close();
});

const serviceQuotas = (options: { maxAttempts?: number } = {}) =>
  new ServiceQuotasClient(clientSettings(sandbox, { maxAttempts: options.maxAttempts ?? 1 }));
const sts = () => new STSClient(clientSettings(sandbox, { maxAttempts: 1 }));
const cloudWatch = () => new CloudWatchClient(clientSettings(sandbox, { maxAttempts: 1 }));

function metricDataInput(period: number): GetMetricDataCommandInput {
  const end = new Date(Math.floor(Date.now() / MINUTE) * MINUTE);
  return {
    MetricDataQueries: [{ Id: 'm1', Expression: 'TIME_SERIES(1)', Period: period }],
    StartTime: new Date(end.getTime() - 60 * MINUTE),
    EndTime: end,
  };
}

describe('Service Quotas (JSON 1.1): input that does not deserialize is a SerializationException', () => {
  it.each([
    ['truncated JSON', 'ListServices', '{"MaxResults":'],
    ['not JSON at all', 'ListServices', 'MaxResults=5'],
    ['a JSON array', 'ListServices', '[]'],
    ['JSON null', 'ListServices', 'null'],
  ])('%s → SerializationException 400', async (_label, operation, body) => {
    const res = await serviceQuotasRaw(sandbox, operation, body);
    expectJsonError(res, { status: 400, type: 'SerializationException' });
  });

  it.each([
    ['ServiceCode: 5', 'ListServiceQuotas', '{"ServiceCode":5}', /String/],
    ['MaxResults: "x"', 'ListServices', '{"MaxResults":"x"}', /Integer/],
    [
      'DesiredValue: "lots"',
      'RequestServiceQuotaIncrease',
      '{"ServiceCode":"ec2","QuotaCode":"L-1216C47A","DesiredValue":"lots"}',
      /Double/,
    ],
    ['ServiceCode: an object', 'ListServiceQuotas', '{"ServiceCode":{"S":"ec2"}}', /String/],
  ])(
    'a value of the wrong JSON type (%s) → SerializationException 400',
    async (_label, operation, body, target) => {
      const res = await serviceQuotasRaw(sandbox, operation, body);
      const message = expectJsonError(res, { status: 400, type: 'SerializationException' });
      expect(message).toMatch(target);
      expect(sandbox.admin.requests()).toEqual([]);
    },
  );

  it('the SDK surfaces a wrongly typed member as SerializationException', async () => {
    const client = serviceQuotas();
    const cases = [
      client.send(new ListServiceQuotasCommand({ ServiceCode: 5 as unknown as string })),
      client.send(new ListServicesCommand({ MaxResults: 'x' as unknown as number })),
      client.send(
        new RequestServiceQuotaIncreaseCommand({
          ServiceCode: 'ec2',
          QuotaCode: 'L-1216C47A',
          DesiredValue: 'lots' as unknown as number,
        }),
      ),
    ];
    for (const call of cases) {
      const error = await rejection(call, ServiceQuotasServiceException);
      expect(error.name).toBe('SerializationException');
      expect(error.$fault).toBe('client');
      expect(error.$metadata.httpStatusCode).toBe(400);
      expect(error.$metadata.attempts).toBe(1);
      expect(error.message).not.toBe('');
    }
    expect(sandbox.admin.requests()).toEqual([]);
  });
});

describe('Service Quotas (JSON 1.1): input that breaks the model is a Coral ValidationException', () => {
  it('a missing required member: "Value null at \'serviceCode\'…"', async () => {
    const res = await serviceQuotasRaw(sandbox, 'ListServiceQuotas', '{}');
    expectJsonError(res, {
      status: 400,
      type: 'ValidationException',
      messageKey: 'message',
      message:
        "1 validation error detected: Value null at 'serviceCode' failed to satisfy constraint: Member must not be null",
    });
  });

  it('GetServiceQuota without QuotaCode names quotaCode only', async () => {
    const res = await serviceQuotasRaw(sandbox, 'GetServiceQuota', '{"ServiceCode":"ec2"}');
    expectJsonError(res, {
      status: 400,
      type: 'ValidationException',
      messageKey: 'message',
      message:
        "1 validation error detected: Value null at 'quotaCode' failed to satisfy constraint: Member must not be null",
    });
  });

  it('two missing members: "2 validation errors detected: …; …"', async () => {
    const res = await serviceQuotasRaw(sandbox, 'GetServiceQuota', '{}');
    const message = expectJsonError(res, { status: 400, type: 'ValidationException', messageKey: 'message' });
    expect(message.startsWith('2 validation errors detected: ')).toBe(true);
    const violations = message.slice('2 validation errors detected: '.length).split('; ');
    expect(violations.sort()).toEqual([
      "Value null at 'quotaCode' failed to satisfy constraint: Member must not be null",
      "Value null at 'serviceCode' failed to satisfy constraint: Member must not be null",
    ]);
  });

  it.each([
    [
      'MaxResults 0',
      'ListServices',
      { MaxResults: 0 },
      "Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1",
    ],
    [
      'MaxResults 101',
      'ListServices',
      { MaxResults: 101 },
      "Value '101' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 100",
    ],
    [
      'a ServiceCode starting with a digit',
      'ListServiceQuotas',
      { ServiceCode: '2ec' },
      "Value '2ec' at 'serviceCode' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][a-zA-Z0-9-]{1,63}",
    ],
    [
      'a ServiceCode of 64 characters',
      'ListServiceQuotas',
      { ServiceCode: 'e'.repeat(64) },
      `Value '${'e'.repeat(64)}' at 'serviceCode' failed to satisfy constraint: Member must have length less than or equal to 63`,
    ],
    [
      'a Status not in the enum',
      'ListRequestedServiceQuotaChangeHistory',
      { Status: 'WAITING' },
      "Value 'WAITING' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [PENDING, CASE_OPENED, APPROVED, DENIED, CASE_CLOSED, NOT_APPROVED, INVALID_REQUEST]",
    ],
    [
      'a QuotaAppliedAtLevel not in the enum',
      'ListServiceQuotas',
      { ServiceCode: 'ec2', QuotaAppliedAtLevel: 'REGION' },
      "Value 'REGION' at 'quotaAppliedAtLevel' failed to satisfy constraint: Member must satisfy enum value set: [ACCOUNT, RESOURCE, ALL]",
    ],
    [
      'a NextToken with a space',
      'ListServices',
      { NextToken: 'not a token' },
      "Value 'not a token' at 'nextToken' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9/+]*={0,2}$",
    ],
    [
      'a NextToken with three padding characters',
      'ListServices',
      { NextToken: 'YWJj===' },
      "Value 'YWJj===' at 'nextToken' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9/+]*={0,2}$",
    ],
  ])('%s → ValidationException naming the member', async (_label, operation, input, violation) => {
    const res = await serviceQuotasRaw(sandbox, operation, JSON.stringify(input));
    expectJsonError(res, {
      status: 400,
      type: 'ValidationException',
      messageKey: 'message',
      message: `1 validation error detected: ${violation}`,
    });
  });

  it.each([
    [
      'ListServiceQuotas MaxResults 1000',
      (client: ServiceQuotasClient) =>
        client.send(new ListServiceQuotasCommand({ ServiceCode: 'ec2', MaxResults: 1000 })),
      "Value '1000' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 100",
    ],
    [
      'ListServices MaxResults 0',
      (client: ServiceQuotasClient) => client.send(new ListServicesCommand({ MaxResults: 0 })),
      "Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1",
    ],
    [
      'GetServiceQuota without QuotaCode',
      (client: ServiceQuotasClient) =>
        client.send(new GetServiceQuotaCommand({ ServiceCode: 'ec2' } as GetServiceQuotaCommandInput)),
      "Value null at 'quotaCode' failed to satisfy constraint: Member must not be null",
    ],
    [
      'ListRequestedServiceQuotaChangeHistory with Status WAITING',
      (client: ServiceQuotasClient) =>
        client.send(
          new ListRequestedServiceQuotaChangeHistoryCommand({ Status: 'WAITING' as RequestStatus }),
        ),
      "Value 'WAITING' at 'status' failed to satisfy constraint: Member must satisfy enum value set",
    ],
    [
      'ListServices with a NextToken that is not base64',
      (client: ServiceQuotasClient) => client.send(new ListServicesCommand({ NextToken: 'page:2' })),
      "Value 'page:2' at 'nextToken' failed to satisfy constraint",
    ],
  ])('through the SDK: %s → ValidationException', async (_label, call, violation) => {
    const error = await rejection(call(serviceQuotas()), ServiceQuotasServiceException);
    expect(error.name).toBe('ValidationException');
    expect(error.$fault).toBe('client');
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(error.$metadata.attempts).toBe(1);
    expect(error.$metadata.requestId).toMatch(/^[\w-]{16,}$/);
    expect(error.message).toContain(violation);
    expect(error.message).toMatch(/^1 validation error detected: /);
  });
});

describe('unknown operations and services answer in the request’s protocol', () => {
  it('an unknown Service Quotas operation → UnknownOperationException 400', async () => {
    const res = await serviceQuotasRaw(sandbox, 'Nope', '{}');
    expectJsonError(res, { status: 400, type: 'UnknownOperationException' });
  });

  it.each([
    ['another service’s prefix', 'AWSOrganizationsV20161128.ListServices'],
    ['a near-miss prefix', 'ServiceQuotasV20190625.ListServices'],
    ['no prefix at all', 'ListServices'],
    ['an empty target', ''],
  ])('a target with %s → UnknownOperationException 400', async (_label, target) => {
    const res = await sendRaw(sandbox, {
      service: 'servicequotas',
      body: '{}',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target },
    });
    expectJsonError(res, { status: 400, type: 'UnknownOperationException' });
  });

  it('a JSON request signed for an unknown service → UnknownOperationException 400, not a 500', async () => {
    const res = await sendRaw(sandbox, {
      service: 'nosuchservice',
      body: '{}',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'NoSuchServiceV20200101.ListThings',
      },
    });
    expectJsonError(res, { status: 400, type: 'UnknownOperationException' });
  });

  it('a form query signed for an unknown service → InvalidAction 400 XML, not a 500', async () => {
    const res = await sendRaw(sandbox, {
      service: 'nosuchservice',
      body: form({ Action: 'ListThings', Version: '2020-01-01' }),
      headers: FORM,
    });
    expectQueryError(res, { status: 400, code: 'InvalidAction' });
  });

  it('an unknown STS Action → InvalidAction 400', async () => {
    const res = await stsRaw(sandbox, { Action: 'Nope', Version: STS_VERSION });
    expectQueryError(res, {
      status: 400,
      code: 'InvalidAction',
      message: `Could not find operation Nope for version ${STS_VERSION}`,
    });
  });

  it('an STS request without an Action → MissingAction 400, not a 500', async () => {
    const res = await stsRaw(sandbox, { Version: STS_VERSION });
    expectQueryError(res, { status: 400, code: 'MissingAction' });
  });
});

describe('query protocol: bad input is ValidationError XML', () => {
  const roleArn = () =>
    `arn:aws:iam::${must(sandbox.admin.accounts()[1], 'account 1').id}:role/HeadroomReader`;

  it('STS AssumeRole without RoleArn → ValidationError naming roleArn', async () => {
    const res = await stsRaw(sandbox, {
      Action: 'AssumeRole',
      Version: STS_VERSION,
      RoleSessionName: 'headroom',
    });
    expectQueryError(res, {
      status: 400,
      code: 'ValidationError',
      message:
        "1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null",
    });
  });

  it('STS AssumeRole with a one-character RoleSessionName → ValidationError', async () => {
    const res = await stsRaw(sandbox, {
      Action: 'AssumeRole',
      Version: STS_VERSION,
      RoleArn: roleArn(),
      RoleSessionName: 'h',
    });
    expectQueryError(res, {
      status: 400,
      code: 'ValidationError',
      message:
        "1 validation error detected: Value 'h' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2",
    });
  });

  it('STS AssumeRole with DurationSeconds 100 → ValidationError', async () => {
    const res = await stsRaw(sandbox, {
      Action: 'AssumeRole',
      Version: STS_VERSION,
      RoleArn: roleArn(),
      RoleSessionName: 'headroom',
      DurationSeconds: 100,
    });
    expectQueryError(res, {
      status: 400,
      code: 'ValidationError',
      message:
        "1 validation error detected: Value '100' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
    });
  });

  it('through the SDK: AssumeRole with DurationSeconds 100 → ValidationError, Type Sender', async () => {
    const error = await rejection(
      sts().send(
        new AssumeRoleCommand({ RoleArn: roleArn(), RoleSessionName: 'headroom', DurationSeconds: 100 }),
      ),
      STSServiceException,
    );
    expect(error.name).toBe('ValidationError');
    expect(queryFields(error)).toEqual({ Code: 'ValidationError', Type: 'Sender' });
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(error.$metadata.attempts).toBe(1);
    expect(error.message).toContain("at 'durationSeconds'");
  });

  it('through the SDK: AssumeRole without RoleArn nor a valid session name lists both violations', async () => {
    const error = await rejection(
      sts().send(new AssumeRoleCommand({ RoleSessionName: 'h' } as AssumeRoleCommandInput)),
      STSServiceException,
    );
    expect(error.name).toBe('ValidationError');
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(error.message).toMatch(/^2 validation errors detected: /);
    expect(error.message).toContain("Value null at 'roleArn'");
    expect(error.message).toContain("Value 'h' at 'roleSessionName'");
  });

  it('CloudWatch form GetMetricData with a non-numeric Period → 400 ValidationError XML', async () => {
    const res = await sendRaw(sandbox, {
      service: 'monitoring',
      headers: FORM,
      body: form({
        Action: 'GetMetricData',
        Version: CLOUDWATCH_VERSION,
        StartTime: '2026-01-01T00:00:00Z',
        EndTime: '2026-01-01T01:00:00Z',
        'MetricDataQueries.member.1.Id': 'm1',
        'MetricDataQueries.member.1.Expression': 'TIME_SERIES(1)',
        'MetricDataQueries.member.1.Period': 'sixty',
      }),
    });
    const error = expectQueryError(res, { status: 400, code: 'ValidationError' });
    expect(error.message).toContain('sixty');
    expect(error.message).toContain('MetricDataQueries.member.1.Period');
    expect(error.xmlns).toBe('http://monitoring.amazonaws.com/doc/2010-08-01/');
  });

  it('CloudWatch JSON 1.0 with Period 0 → ValidationException with x-amzn-query-error ValidationError;Sender', async () => {
    const input = metricDataInput(60);
    const res = await sendRaw(sandbox, {
      service: 'monitoring',
      headers: CLOUDWATCH_JSON,
      body: JSON.stringify({
        MetricDataQueries: [{ Id: 'm1', Expression: 'TIME_SERIES(1)', Period: 0 }],
        StartTime: must(input.StartTime, 'StartTime').getTime() / 1000,
        EndTime: must(input.EndTime, 'EndTime').getTime() / 1000,
      }),
    });
    expectJsonError(res, {
      status: 400,
      version: '1.0',
      type: 'ValidationException',
      messageKey: 'message',
      message:
        "1 validation error detected: Value '0' at 'metricDataQueries.1.member.period' failed to satisfy constraint: Member must have value greater than or equal to 1",
    });
    expect(res.headers.get('x-amzn-query-error')).toBe('ValidationError;Sender');
  });

  it('CloudWatch JSON 1.0 with a string Period → a Sender error with x-amzn-query-error', async () => {
    const res = await sendRaw(sandbox, {
      service: 'monitoring',
      headers: CLOUDWATCH_JSON,
      body: JSON.stringify({
        MetricDataQueries: [{ Id: 'm1', Expression: 'TIME_SERIES(1)', Period: 'sixty' }],
        StartTime: 1767225600,
        EndTime: 1767229200,
      }),
    });
    expectJsonError(res, { status: 400, version: '1.0', type: 'SerializationException' });
    expect(res.headers.get('x-amzn-query-error')).toMatch(/^[A-Za-z]+;Sender$/);
  });

  it('through the SDK: CloudWatch GetMetricData with Period 0 → Code ValidationError, Type Sender, 400', async () => {
    const error = await rejection(
      cloudWatch().send(new GetMetricDataCommand(metricDataInput(0))),
      CloudWatchServiceException,
    );
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(error.$metadata.attempts).toBe(1);
    expect(queryFields(error)).toEqual({ Code: 'ValidationError', Type: 'Sender' });
    expect(error.message).toContain("at 'metricDataQueries.1.member.period'");
  });
});

describe('authentication: missing or malformed signatures', () => {
  it('an unsigned Service Quotas request → MissingAuthenticationTokenException 400', async () => {
    const res = await serviceQuotasRaw(sandbox, 'ListServices', '{}', { unsigned: true });
    expectJsonError(res, {
      status: 400,
      type: 'MissingAuthenticationTokenException',
      messageKey: 'message',
      message: 'Request is missing Authentication Token',
    });
  });

  it('an unsigned STS request → MissingAuthenticationToken 403', async () => {
    const res = await stsRaw(
      sandbox,
      { Action: 'GetCallerIdentity', Version: STS_VERSION },
      { unsigned: true },
    );
    expectQueryError(res, {
      status: 403,
      code: 'MissingAuthenticationToken',
      message: 'Request is missing Authentication Token',
    });
  });

  it('an unsigned CloudWatch JSON request is answered as CloudWatch: JSON 1.0 with x-amzn-query-error', async () => {
    const res = await sendRaw(sandbox, {
      service: 'monitoring',
      headers: CLOUDWATCH_JSON,
      body: '{}',
      unsigned: true,
    });
    expectJsonError(res, { status: 400, version: '1.0', type: 'MissingAuthenticationTokenException' });
    expect(res.headers.get('x-amzn-query-error')).toBe('MissingAuthenticationToken;Sender');
  });

  it('an Authorization header with another scheme → IncompleteSignature(Exception), in both families', async () => {
    const json = await serviceQuotasRaw(sandbox, 'ListServices', '{}', {
      unsigned: true,
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'ServiceQuotasV20190624.ListServices',
        authorization: NOT_SIGV4,
      },
    });
    expectJsonError(json, { status: 400, type: 'IncompleteSignatureException', messageKey: 'message' });

    const query = await sendRaw(sandbox, {
      service: 'sts',
      unsigned: true,
      body: form({ Action: 'GetCallerIdentity', Version: STS_VERSION }),
      headers: { ...FORM, authorization: NOT_SIGV4 },
    });
    expectQueryError(query, { status: 400, code: 'IncompleteSignature' });
  });

  it.each([
    [
      'Signature',
      (auth: string) => auth.replace(/, Signature=[0-9a-f]+/, ''),
      /requires 'Signature' parameter/,
    ],
    [
      'Credential',
      (auth: string) => auth.replace(/Credential=[^,]+, /, ''),
      /requires 'Credential' parameter/,
    ],
    [
      'SignedHeaders',
      (auth: string) => auth.replace(/SignedHeaders=[^,]+, /, ''),
      /requires 'SignedHeaders' parameter/,
    ],
  ])(
    'an Authorization header without %s → IncompleteSignature(Exception)',
    async (_label, strip, message) => {
      const jsonBody = '{}';
      const jsonHeaders = await signedHeaders(sandbox, {
        service: 'servicequotas',
        body: jsonBody,
        headers: {
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': 'ServiceQuotasV20190624.ListServices',
        },
      });
      const jsonAuth = must(jsonHeaders.authorization, 'authorization');
      expect(strip(jsonAuth)).not.toBe(jsonAuth);
      const json = await postRaw(sandbox, { ...jsonHeaders, authorization: strip(jsonAuth) }, jsonBody);
      expectJsonError(json, {
        status: 400,
        type: 'IncompleteSignatureException',
        messageKey: 'message',
        message,
      });

      const queryBody = form({ Action: 'GetCallerIdentity', Version: STS_VERSION });
      const queryHeaders = await signedHeaders(sandbox, { service: 'sts', body: queryBody, headers: FORM });
      const queryAuth = must(queryHeaders.authorization, 'authorization');
      const query = await postRaw(sandbox, { ...queryHeaders, authorization: strip(queryAuth) }, queryBody);
      expectQueryError(query, { status: 400, code: 'IncompleteSignature', message });
    },
  );
});

describe('authentication: keys, secrets and signatures', () => {
  it('an unknown access key → UnrecognizedClientException 400 from the Service Quotas SDK', async () => {
    const client = new ServiceQuotasClient({
      ...clientSettings(sandbox, { maxAttempts: 1 }),
      credentials: NO_SUCH_KEY,
    });
    const error = await rejection(client.send(new ListServicesCommand({})), ServiceQuotasServiceException);
    expect(error.name).toBe('UnrecognizedClientException');
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(error.$metadata.attempts).toBe(1);
    expect(error.message).toBe(INVALID_TOKEN);
  });

  it('an unknown access key → InvalidClientTokenId 403 from the STS SDK', async () => {
    const client = new STSClient({
      ...clientSettings(sandbox, { maxAttempts: 1 }),
      credentials: NO_SUCH_KEY,
    });
    const error = await rejection(client.send(new GetCallerIdentityCommand({})), STSServiceException);
    expect(error.name).toBe('InvalidClientTokenId');
    expect(queryFields(error)).toEqual({ Code: 'InvalidClientTokenId', Type: 'Sender' });
    expect(error.$metadata.httpStatusCode).toBe(403);
    expect(error.message).toBe(INVALID_TOKEN);
  });

  it('an unknown access key, raw: JSON body and XML document', async () => {
    const json = await serviceQuotasRaw(sandbox, 'ListServices', '{}', { credentials: NO_SUCH_KEY });
    expectJsonError(json, {
      status: 400,
      type: 'UnrecognizedClientException',
      messageKey: 'message',
      message: INVALID_TOKEN,
    });
    const query = await stsRaw(
      sandbox,
      { Action: 'GetCallerIdentity', Version: STS_VERSION },
      { credentials: NO_SUCH_KEY },
    );
    expectQueryError(query, { status: 403, code: 'InvalidClientTokenId', message: INVALID_TOKEN });
  });

  it('an unknown access key on CloudWatch JSON carries x-amzn-query-error InvalidClientTokenId;Sender', async () => {
    const res = await sendRaw(sandbox, {
      service: 'monitoring',
      headers: CLOUDWATCH_JSON,
      body: '{}',
      credentials: NO_SUCH_KEY,
    });
    expectJsonError(res, {
      version: '1.0',
      status: 400,
      type: 'UnrecognizedClientException',
      message: INVALID_TOKEN,
    });
    expect(res.headers.get('x-amzn-query-error')).toBe('InvalidClientTokenId;Sender');

    const client = new CloudWatchClient({
      ...clientSettings(sandbox, { maxAttempts: 1 }),
      credentials: NO_SUCH_KEY,
    });
    const error = await rejection(
      client.send(new GetMetricDataCommand(metricDataInput(60))),
      CloudWatchServiceException,
    );
    expect(queryFields(error)).toEqual({ Code: 'InvalidClientTokenId', Type: 'Sender' });
    expect(error.$metadata.httpStatusCode).toBe(400);
  });

  it('the right key with the wrong secret → InvalidSignatureException (JSON) / SignatureDoesNotMatch (query)', async () => {
    const settings = clientSettings(sandbox, { maxAttempts: 1 });
    const wrong = {
      ...settings,
      credentials: { ...settings.credentials, secretAccessKey: 'not-the-secret-of-this-key' },
    };

    const sq = await rejection(
      new ServiceQuotasClient(wrong).send(new ListServicesCommand({})),
      ServiceQuotasServiceException,
    );
    expect(sq.name).toBe('InvalidSignatureException');
    expect(sq.$metadata.httpStatusCode).toBe(400);
    expect(sq.message).toBe(SIGNATURE_MISMATCH);

    const st = await rejection(
      new STSClient(wrong).send(new GetCallerIdentityCommand({})),
      STSServiceException,
    );
    expect(st.name).toBe('SignatureDoesNotMatch');
    expect(queryFields(st)).toEqual({ Code: 'SignatureDoesNotMatch', Type: 'Sender' });
    expect(st.$metadata.httpStatusCode).toBe(403);
    expect(st.message).toBe(SIGNATURE_MISMATCH);

    const raw = await serviceQuotasRaw(sandbox, 'ListServices', '{}', { credentials: wrong.credentials });
    expectJsonError(raw, {
      status: 400,
      type: 'InvalidSignatureException',
      messageKey: 'message',
      message: SIGNATURE_MISMATCH,
    });
  });

  it('a body changed after signing → signature mismatch, in both families', async () => {
    const signedJson = '{"MaxResults":5}';
    const jsonHeaders = await signedHeaders(sandbox, {
      service: 'servicequotas',
      body: signedJson,
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'ServiceQuotasV20190624.ListServices',
      },
    });
    expect((await postRaw(sandbox, jsonHeaders, signedJson)).status).toBe(200);
    const json = await postRaw(sandbox, jsonHeaders, '{"MaxResults":6}');
    expectJsonError(json, {
      status: 400,
      type: 'InvalidSignatureException',
      messageKey: 'message',
      message: SIGNATURE_MISMATCH,
    });

    const signedForm = form({ Action: 'GetCallerIdentity', Version: STS_VERSION });
    const queryHeaders = await signedHeaders(sandbox, { service: 'sts', body: signedForm, headers: FORM });
    expect((await postRaw(sandbox, queryHeaders, signedForm)).status).toBe(200);
    const query = await postRaw(sandbox, queryHeaders, `${signedForm}&Extra=1`);
    expectQueryError(query, { status: 403, code: 'SignatureDoesNotMatch', message: SIGNATURE_MISMATCH });
  });

  it('a signed header changed after signing → signature mismatch', async () => {
    const body = '{}';
    const headers = await signedHeaders(sandbox, {
      service: 'servicequotas',
      body,
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'ServiceQuotasV20190624.ListServices',
      },
    });
    const res = await postRaw(
      sandbox,
      { ...headers, 'x-amz-target': 'ServiceQuotasV20190624.GetAssociationForServiceQuotaTemplate' },
      body,
    );
    expectJsonError(res, { status: 400, type: 'InvalidSignatureException', message: SIGNATURE_MISMATCH });
  });
});

describe('authentication: request time', () => {
  const tenMinutesAgo = () => new Date(Date.now() - 10 * MINUTE);

  it('an X-Amz-Date 10 minutes old → InvalidSignatureException "Signature expired" (JSON)', async () => {
    const body = '{}';
    const headers = await signedHeaders(sandbox, {
      service: 'servicequotas',
      body,
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'ServiceQuotasV20190624.ListServices',
      },
      signingDate: tenMinutesAgo(),
    });
    const res = await postRaw(sandbox, headers, body);
    expectJsonError(res, {
      status: 400,
      type: 'InvalidSignatureException',
      messageKey: 'message',
      message: SIGNATURE_EXPIRED,
    });
    expect(res.text).toContain(must(headers['x-amz-date'], 'x-amz-date'));
  });

  it('an X-Amz-Date 10 minutes old → SignatureDoesNotMatch 403 "Signature expired" (query)', async () => {
    const body = form({ Action: 'GetCallerIdentity', Version: STS_VERSION });
    const headers = await signedHeaders(sandbox, {
      service: 'sts',
      body,
      headers: FORM,
      signingDate: tenMinutesAgo(),
    });
    const res = await postRaw(sandbox, headers, body);
    expectQueryError(res, { status: 403, code: 'SignatureDoesNotMatch', message: SIGNATURE_EXPIRED });
  });

  it('an X-Amz-Date 10 minutes ahead → "Signature not yet current"', async () => {
    const body = '{}';
    const headers = await signedHeaders(sandbox, {
      service: 'servicequotas',
      body,
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'ServiceQuotasV20190624.ListServices',
      },
      signingDate: new Date(Date.now() + 10 * MINUTE),
    });
    const res = await postRaw(sandbox, headers, body);
    expectJsonError(res, {
      status: 400,
      type: 'InvalidSignatureException',
      message: /^Signature not yet current: /,
    });
  });

  it('the SDK with a clock 10 minutes slow: maxAttempts 1 surfaces the raw error, then it has corrected its clock', async () => {
    const client = new ServiceQuotasClient({
      ...clientSettings(sandbox, { maxAttempts: 1 }),
      systemClockOffset: -10 * MINUTE,
    });
    const error = await rejection(
      client.send(new ListServicesCommand({ MaxResults: 1 })),
      ServiceQuotasServiceException,
    );
    expect(error.name).toBe('InvalidSignatureException');
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(error.$metadata.attempts).toBe(1);
    expect(error.message).toMatch(SIGNATURE_EXPIRED);
    // The SDK took the server's Date header as its clock: the next call is signed in time.
    const next = await client.send(new ListServicesCommand({ MaxResults: 1 }));
    expect(next.$metadata.httpStatusCode).toBe(200);
  });

  it('the SDK with a clock 10 minutes slow and retries on: "Signature expired" is retried after the correction', async () => {
    const client = new ServiceQuotasClient({
      ...clientSettings(sandbox, { maxAttempts: 3 }),
      systemClockOffset: -10 * MINUTE,
    });
    const result = await client.send(new ListServicesCommand({ MaxResults: 1 }));
    expect(result.$metadata.httpStatusCode).toBe(200);
    expect(result.$metadata.attempts).toBe(2);
  });

  it('the STS SDK with a clock 10 minutes slow: SignatureDoesNotMatch 403, then the corrected client succeeds', async () => {
    const client = new STSClient({
      ...clientSettings(sandbox, { maxAttempts: 1 }),
      systemClockOffset: -10 * MINUTE,
    });
    const error = await rejection(client.send(new GetCallerIdentityCommand({})), STSServiceException);
    expect(error.name).toBe('SignatureDoesNotMatch');
    expect(error.$metadata.httpStatusCode).toBe(403);
    expect(error.message).toMatch(SIGNATURE_EXPIRED);
    const next = await client.send(new GetCallerIdentityCommand({}));
    expect(next.Account).toBe(must(sandbox.admin.accounts()[0], 'account 0').id);
  });
});

describe('authentication: temporary credentials from STS AssumeRole', () => {
  let temporary: { accessKeyId: string; secretAccessKey: string; sessionToken: string };
  let target: string;

  beforeAll(async () => {
    target = must(sandbox.admin.accounts()[1], 'account 1').id;
    const assumed = await sts().send(
      new AssumeRoleCommand({
        RoleArn: `arn:aws:iam::${target}:role/HeadroomReader`,
        RoleSessionName: 'wire-errors',
      }),
    );
    const credentials = must(assumed.Credentials, 'Credentials');
    temporary = {
      accessKeyId: must(credentials.AccessKeyId, 'AccessKeyId'),
      secretAccessKey: must(credentials.SecretAccessKey, 'SecretAccessKey'),
      sessionToken: must(credentials.SessionToken, 'SessionToken'),
    };
  });

  it('used without the session token → rejected (UnrecognizedClientException / InvalidClientTokenId)', async () => {
    const settings = clientSettings(sandbox, { maxAttempts: 1 });
    const withoutToken = { accessKeyId: temporary.accessKeyId, secretAccessKey: temporary.secretAccessKey };

    const sq = await rejection(
      new ServiceQuotasClient({ ...settings, credentials: withoutToken }).send(new ListServicesCommand({})),
      ServiceQuotasServiceException,
    );
    expect(sq.name).toBe('UnrecognizedClientException');
    expect(sq.$metadata.httpStatusCode).toBe(400);

    const st = await rejection(
      new STSClient({ ...settings, credentials: withoutToken }).send(new GetCallerIdentityCommand({})),
      STSServiceException,
    );
    expect(st.name).toBe('InvalidClientTokenId');
    expect(st.$metadata.httpStatusCode).toBe(403);
  });

  it('used with another session token → rejected', async () => {
    const res = await stsRaw(
      sandbox,
      { Action: 'GetCallerIdentity', Version: STS_VERSION },
      { credentials: { ...temporary, sessionToken: `${temporary.sessionToken.slice(0, -4)}AAAA` } },
    );
    expectQueryError(res, { status: 403, code: 'InvalidClientTokenId' });
  });

  it('used with the session token → accepted, acting as the assumed role in the target account', async () => {
    const settings = clientSettings(sandbox, { maxAttempts: 1 });
    const identity = await new STSClient({ ...settings, credentials: temporary }).send(
      new GetCallerIdentityCommand({}),
    );
    expect(identity.Account).toBe(target);
    expect(identity.Arn).toBe(`arn:aws:sts::${target}:assumed-role/HeadroomReader/wire-errors`);
    const services = await new ServiceQuotasClient({ ...settings, credentials: temporary }).send(
      new ListServicesCommand({ MaxResults: 1 }),
    );
    expect(services.$metadata.httpStatusCode).toBe(200);
  });
});

describe('authentication: expired temporary credentials (wall clock moved by the test)', () => {
  let clocked: Sandbox;
  let offsetMs = 0;
  let temporary: { accessKeyId: string; secretAccessKey: string; sessionToken: string };

  /** Settings for a client whose clock agrees with the sandbox's moved wall clock. */
  const inStep = (credentials?: typeof temporary) => ({
    ...clientSettings(clocked, { maxAttempts: 1 }),
    ...(credentials ? { credentials } : {}),
    systemClockOffset: offsetMs,
  });

  beforeAll(async () => {
    clocked = await startSandbox({ throttle: 'off', wallClock: () => Date.now() + offsetMs });
    const target = must(clocked.admin.accounts()[2], 'account 2').id;
    const assumed = await new STSClient(inStep()).send(
      new AssumeRoleCommand({
        RoleArn: `arn:aws:iam::${target}:role/HeadroomReader`,
        RoleSessionName: 'short-lived',
        DurationSeconds: 900,
      }),
    );
    const credentials = must(assumed.Credentials, 'Credentials');
    expect(must(credentials.Expiration, 'Expiration').getTime()).toBeLessThanOrEqual(Date.now() + 900_000);
    temporary = {
      accessKeyId: must(credentials.AccessKeyId, 'AccessKeyId'),
      secretAccessKey: must(credentials.SecretAccessKey, 'SecretAccessKey'),
      sessionToken: must(credentials.SessionToken, 'SessionToken'),
    };
  });

  afterAll(async () => {
    await clocked.close();
  });

  it('14 minutes into a 15-minute session the credentials still work', async () => {
    offsetMs = 14 * MINUTE;
    const identity = await new STSClient(inStep(temporary)).send(new GetCallerIdentityCommand({}));
    expect(identity.Arn).toMatch(/:assumed-role\/HeadroomReader\/short-lived$/);
  });

  it('20 minutes later: ExpiredTokenException 400 (JSON)', async () => {
    offsetMs = 20 * MINUTE;
    const error = await rejection(
      new ServiceQuotasClient(inStep(temporary)).send(new ListServicesCommand({})),
      ServiceQuotasServiceException,
    );
    expect(error.name).toBe('ExpiredTokenException');
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(error.$metadata.attempts).toBe(1);
    expect(error.message).toBe(EXPIRED_TOKEN);

    const raw = await serviceQuotasRaw(clocked, 'ListServices', '{}', { credentials: temporary });
    expectJsonError(raw, {
      status: 400,
      type: 'ExpiredTokenException',
      messageKey: 'message',
      message: EXPIRED_TOKEN,
    });
  });

  it('20 minutes later: ExpiredToken (query), 403 as STS, IAM and SQS answer it', async () => {
    offsetMs = 20 * MINUTE;
    const error = await rejection(
      new STSClient(inStep(temporary)).send(new GetCallerIdentityCommand({})),
      STSServiceException,
    );
    expect(error.name).toBe('ExpiredToken');
    expect(queryFields(error)).toEqual({ Code: 'ExpiredToken', Type: 'Sender' });
    expect(error.message).toBe(EXPIRED_TOKEN);
    expect(error.$metadata.httpStatusCode).toBe(403);
  });

  it('20 minutes later the account’s long-term keys still work (only the session expired)', async () => {
    offsetMs = 20 * MINUTE;
    const identity = await new STSClient(inStep()).send(new GetCallerIdentityCommand({}));
    expect(identity.Account).toBe(must(clocked.admin.accounts()[0], 'account 0').id);
  });

  it('the Date header is the sandbox’s wall clock, so the SDK can correct its skew against it', async () => {
    offsetMs = 20 * MINUTE;
    // A client on the process clock is 20 minutes behind the sandbox. Like AWS, the sandbox must
    // tell the time in its Date header; the SDK then corrects its offset and the retry succeeds.
    const client = new ServiceQuotasClient({ ...clientSettings(clocked, { maxAttempts: 3 }) });
    const result = await client.send(new ListServicesCommand({ MaxResults: 1 }));
    expect(result.$metadata.httpStatusCode).toBe(200);
    expect(result.$metadata.attempts).toBe(2);
  });
});

describe('metering: rejected calls are counted as auth_error and client_error', () => {
  let counted: Sandbox;

  beforeAll(async () => {
    counted = await startSandbox({ throttle: 'off' });
  });

  afterAll(async () => {
    await counted.close();
  });

  it('records each rejection with its service, operation and outcome', async () => {
    const settings = clientSettings(counted, { maxAttempts: 1 });
    await rejection(
      new ServiceQuotasClient({ ...settings, credentials: NO_SUCH_KEY }).send(new ListServicesCommand({})),
      ServiceQuotasServiceException,
    );
    await rejection(
      new STSClient({ ...settings, credentials: { ...settings.credentials, secretAccessKey: 'wrong' } }).send(
        new GetCallerIdentityCommand({}),
      ),
      STSServiceException,
    );
    expect((await serviceQuotasRaw(counted, 'ListServiceQuotas', '{}')).status).toBe(400);
    expect((await serviceQuotasRaw(counted, 'ListServiceQuotas', '{"ServiceCode":5}')).status).toBe(400);
    expect((await stsRaw(counted, { Action: 'Nope', Version: STS_VERSION })).status).toBe(400);

    const calls = counted.admin.calls();
    expect(calls).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          service: 'servicequotas',
          operation: 'ListServices',
          outcome: 'auth_error',
          count: 1,
        }),
        expect.objectContaining({
          service: 'sts',
          operation: 'GetCallerIdentity',
          outcome: 'auth_error',
          count: 1,
        }),
        expect.objectContaining({
          service: 'servicequotas',
          operation: 'ListServiceQuotas',
          outcome: 'client_error',
          code: 'ValidationException',
          count: 1,
        }),
        expect.objectContaining({
          service: 'servicequotas',
          operation: 'ListServiceQuotas',
          outcome: 'client_error',
          code: 'SerializationException',
          count: 1,
        }),
        expect.objectContaining({ service: 'sts', operation: 'Nope', outcome: 'client_error', count: 1 }),
      ]),
    );
    for (const call of calls) expect(call.code, JSON.stringify(call)).toBeTruthy();
    expect(counted.admin.callTotal({ outcome: 'auth_error' })).toBe(2);
    expect(counted.admin.callTotal({ outcome: 'client_error' })).toBe(3);
    expect(counted.admin.callTotal({ outcome: 'success' })).toBe(0);
    expect(counted.admin.callTotal({ outcome: 'fault' })).toBe(0);
    expect(counted.admin.callTotal()).toBe(5);
  });
});

describe('admin API: bad input is a 400 JSON error', () => {
  it('POST /_sandbox/clock with a negative advanceSeconds → 400, and the clock does not move', async () => {
    const before = await admin(sandbox, 'GET', '/_sandbox/clock');
    const res = await admin(sandbox, 'POST', '/_sandbox/clock', '{"advanceSeconds": -5}');
    expect(res.status).toBe(400);
    expect(res.contentType).toBe('application/json');
    expect(res.body.error).toMatch(/advanceSeconds/);
    const after = await admin(sandbox, 'GET', '/_sandbox/clock');
    expect(after.body.offsetSeconds).toBe(before.body.offsetSeconds);
  });

  it.each([
    ['a JSON array', '[1]'],
    ['a JSON string', '"advance"'],
    ['a JSON number', '60'],
    ['JSON null', 'null'],
    ['not JSON', 'advanceSeconds=60'],
  ])('POST /_sandbox/clock with %s → 400', async (_label, body) => {
    const res = await admin(sandbox, 'POST', '/_sandbox/clock', body);
    expect(res.status).toBe(400);
    expect(res.contentType).toBe('application/json');
    expect(res.body.error).toBe('the body must be a JSON object');
  });

  it('POST /_sandbox/surge: a spike where there is a series, 400 or 404 naming what is wrong elsewhere', async () => {
    const [account] = sandbox.admin.accounts();
    const id = account?.id ?? '';
    const ok = await admin(
      sandbox,
      'POST',
      '/_sandbox/surge',
      JSON.stringify({ account: id, region: 'us-east-1', quota: 'ec2/L-1216C47A', factor: 3, minutes: 10 }),
    );
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ quota: 'ec2/L-1216C47A', factor: 3, minutes: 10, startedMinutesAgo: 0 });
    const cases: [string, number, RegExp][] = [
      [JSON.stringify({ account: id, region: 'us-east-1' }), 400, /give \{"account"/],
      [
        JSON.stringify({
          account: id,
          region: 'us-east-1',
          quota: 'ec2/L-1216C47A',
          factor: '3',
          minutes: 10,
        }),
        400,
        /factor and minutes/,
      ],
      [
        JSON.stringify({ account: id, region: 'us-east-1', quota: 'ec2/L-1216C47A', factor: 0, minutes: 10 }),
        400,
        /above 0/,
      ],
      [
        JSON.stringify({ account: id, region: 'us-east-1', quota: 'ec2/L-NOPE', factor: 2, minutes: 10 }),
        404,
        /no quota "ec2\/L-NOPE"/,
      ],
      [
        JSON.stringify({
          account: '000000000000',
          region: 'us-east-1',
          quota: 'ec2/L-1216C47A',
          factor: 2,
          minutes: 10,
        }),
        404,
        /no account/,
      ],
    ];
    for (const [body, status, error] of cases) {
      const res = await admin(sandbox, 'POST', '/_sandbox/surge', body);
      expect(res.status, body).toBe(status);
      expect(res.body.error, body).toMatch(error);
    }
  });

  it('POST /_sandbox/clock with a string advanceSeconds → 400', async () => {
    const res = await admin(sandbox, 'POST', '/_sandbox/clock', '{"advanceSeconds": "60"}');
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/advanceSeconds/);
  });

  it('POST /_sandbox/config with faultRate 2 → 400, and the fault rate does not change', async () => {
    const res = await admin(sandbox, 'POST', '/_sandbox/config', '{"faultRate": 2}');
    expect(res.status).toBe(400);
    expect(res.contentType).toBe('application/json');
    expect(res.body.error).toMatch(/faultRate/);
    const config = await admin(sandbox, 'GET', '/_sandbox/config');
    expect(config.body.faultRate).toBe(0);
  });

  it('an unknown admin path → 404 JSON', async () => {
    const res = await admin(sandbox, 'GET', '/_sandbox/nope');
    expect(res.status).toBe(404);
    expect(res.contentType).toBe('application/json');
    expect(res.body.error).toMatch(/no admin route GET \/_sandbox\/nope/);
    const wrongMethod = await admin(sandbox, 'POST', '/_sandbox/health', '{}');
    expect(wrongMethod.status).toBe(404);
  });
});
