/**
 * The sandbox's HTTP endpoint on 127.0.0.1. Every request goes through one pipeline:
 *
 *   detect protocol → check SigV4 (service and region from the scope, caller from the key) →
 *   find the operation → latency → outage (503) → access denial (403) → injected fault →
 *   throttle → read and validate input → settle the clock-driven state → handler → reply in the
 *   protocol's shape
 *
 * and is counted by service, operation and outcome. `/_sandbox/*` is the admin API.
 */
import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { SandboxAdmin } from './admin.js';
import { SandboxClock } from './core/clock.js';
import { AwsError } from './core/errors.js';
import { Metering, type Outcome } from './core/metering.js';
import { PageTokens } from './core/pagination.js';
import {
  type HttpReply,
  type WireFamily,
  authError,
  detectFamily,
  ec2ErrorReply,
  ec2Reply,
  jsonErrorReply,
  jsonReply,
  queryErrorReply,
  queryReply,
  restJsonErrorReply,
  restJsonReply,
  restXmlErrorReply,
  restXmlReply,
  unknownOperation,
} from './core/protocols.js';
import { randomStream } from './core/random.js';
import type { OperationDefinition, RequestContext, ServiceDefinition } from './core/service.js';
import { readJson, readQuery, readRestParams, validate } from './core/shapes.js';
import { SignatureProblem, headerMap, parseAuthorization, verifySignature } from './core/sigv4.js';
import { Throttle } from './core/throttle.js';
import {
  type ResolvedSandboxOptions,
  type RuntimeSwitches,
  type SandboxOptions,
  checkDenialOperations,
  resolveSandboxOptions,
} from './options.js';
import { OPERATIONS, SERVICES } from './services/index.js';
import type { Caller } from './world/credentials.js';
import { checkState } from './world/saved-state.js';
import { World } from './world/world.js';

const MAX_BODY_BYTES = 10 * 1024 * 1024;

export interface Sandbox {
  /** Base URL, e.g. `http://127.0.0.1:4566`: pass it as the SDK's `endpoint`. */
  readonly url: string;
  readonly port: number;
  readonly admin: SandboxAdmin;
  close(): Promise<void>;
}

/** Run-time switches the admin API can flip. */
export type RuntimeConfig = RuntimeSwitches;

interface Resolved {
  service: ServiceDefinition;
  operationName: string;
  operation: OperationDefinition;
  /** REST: the values of the path's labels, by input member. */
  labels?: Map<string, string>;
}

class SandboxServer {
  readonly metering = new Metering();
  readonly throttle = new Throttle();
  readonly pageTokens = new PageTokens();
  readonly config: RuntimeConfig;
  readonly #faults: () => number;
  readonly #bySigningName = new Map<string, ServiceDefinition[]>();

  readonly world: World;
  readonly options: ResolvedSandboxOptions;

  constructor(world: World, options: ResolvedSandboxOptions) {
    this.world = world;
    this.options = options;
    this.config = {
      throttle: options.throttle,
      faultRate: options.faultRate,
      latencyMs: options.latencyMs,
      denials: options.denials,
      outages: options.outages,
    };
    this.#faults = randomStream(options.seed ^ 0x5eed);
    for (const service of SERVICES) {
      this.#bySigningName.set(service.signingName, [
        ...(this.#bySigningName.get(service.signingName) ?? []),
        service,
      ]);
    }
  }

  async handle(req: IncomingMessage, res: ServerResponse, admin: SandboxAdmin): Promise<void> {
    const body = await readBody(req);
    const url = req.url ?? '/';
    if (url.startsWith('/_sandbox/') || url === '/_sandbox') {
      send(
        res,
        body === undefined
          ? {
              status: 413,
              headers: { 'content-type': 'application/json' },
              body: '{"error":"the body is too large"}',
            }
          : admin.route(req.method ?? 'GET', url, body),
        this.world.clock.wall(),
      );
      return;
    }
    const reply = await this.#serve(req, url, body);
    if (this.config.latencyMs > 0) await sleep(this.config.latencyMs);
    send(res, reply, this.world.clock.wall());
  }

  async #serve(req: IncomingMessage, url: string, body: Buffer | undefined): Promise<HttpReply> {
    const requestId = randomUUID();
    const headers = headerMap(req.rawHeaders);
    const scoped = this.#serviceOf(headers);
    const family = detectFamily(headers, scoped);
    if (body === undefined) {
      return this.#errorReply(
        family,
        undefined,
        new AwsError('RequestEntityTooLarge', 'Request body is too large.', 413),
        requestId,
      );
    }
    const form = family === 'query' || family === 'ec2' ? queryParams(url, headers, body) : undefined;
    const method = req.method ?? 'GET';
    const path = url.split('?', 1)[0] ?? '/';
    const named =
      family === 'json'
        ? headers.get('x-amz-target')?.[0]
        : family === 'rest-json' || family === 'rest-xml'
          ? `${method} ${path}`
          : (form?.get('Action') ?? undefined);

    // Who is calling, and which service they signed for.
    let caller: Caller;
    let service: ServiceDefinition | undefined;
    let region: string;
    try {
      const auth = parseAuthorization(headers.get('authorization')?.[0]);
      service = this.#pick(this.#bySigningName.get(auth.service), form);
      region = auth.region;
      const found = this.world.credentials.lookup(auth.accessKeyId);
      if (!found)
        throw new SignatureProblem('unknown-key', 'The security token included in the request is invalid.');
      if (found.sessionToken !== undefined) {
        const token = headers.get('x-amz-security-token')?.[0];
        if (token !== found.sessionToken) {
          throw new SignatureProblem('unknown-key', 'The security token included in the request is invalid.');
        }
        if (found.expiresAt !== undefined && found.expiresAt <= this.world.clock.wall()) {
          throw new SignatureProblem(
            'expired-token',
            'The security token included in the request is expired',
          );
        }
      }
      if (this.options.verifySignatures) {
        verifySignature(
          { method: req.method ?? 'POST', url, headers, body },
          auth,
          found.secretAccessKey,
          this.world.clock.wall(),
        );
      }
      caller = found;
    } catch (error) {
      if (!(error instanceof SignatureProblem)) throw error;
      const failure = authError(error.kind, error.message, family);
      return this.#fail(family, scoped, operationLabel(named), 'auth_error', failure, requestId);
    }

    // Which operation.
    const resolved = this.#resolve(service, family, named, form, method, path);
    if (resolved instanceof AwsError) {
      return this.#fail(family, service, operationLabel(named), 'client_error', resolved, requestId);
    }
    const { operationName, operation } = resolved;
    const svc = resolved.service;

    try {
      const down = this.config.outages.some(
        (o) => (o.account ?? caller.account.id) === caller.account.id && (o.region ?? region) === region,
      );
      if (down) throw svc.dialect.serviceUnavailable();
      const params =
        resolved.labels === undefined ? form : restParams(resolved.labels, url, resolved.operation);
      const denial = this.#denial(resolved, caller, region, family, body, params);
      if (denial) throw denial;
      if (this.config.faultRate > 0 && this.#faults() < this.config.faultRate) {
        throw this.#faults() < 0.5 ? svc.dialect.internalFailure() : svc.dialect.serviceUnavailable();
      }
      const ctx: RequestContext = {
        world: this.world,
        caller,
        account: caller.account,
        region,
        requestId,
        now: this.world.clock.now(),
        pageSize: this.options.pageSize,
        pageTokens: this.pageTokens,
        operation: operationName,
      };
      if (this.config.throttle === 'aws') {
        const limit = typeof operation.rate === 'function' ? operation.rate(ctx) : operation.rate;
        const key = `${caller.account.id}|${region}|${svc.signingName}|${svc.sharedRate === true ? '*' : operationName}`;
        // The wall clock, which tests can hold still to count throttled calls exactly.
        if (!this.throttle.take(key, limit, this.world.clock.wall())) throw svc.dialect.throttling();
      }
      const input = this.#input(family, operation, svc, body, form, params);
      validate(operation.input, input, svc.dialect);
      this.world.settle();
      const output: unknown = await operation.handler(ctx, input);
      this.metering.record(svc.signingName, operationName, 'success');
      switch (family) {
        case 'json':
          return jsonReply(svc.json?.version ?? '1.1', output, requestId);
        case 'ec2':
          return ec2Reply(operationName, output, requestId, svc.ec2?.xmlNamespace ?? '');
        case 'rest-json':
          return restJsonReply(output, requestId);
        case 'rest-xml':
          return restXmlReply(
            operation.xmlRoot ?? `${operationName}Response`,
            output,
            requestId,
            svc.rest?.xmlNamespace ?? '',
          );
        case 'query':
          return queryReply(operationName, output, requestId, svc.query?.xmlNamespace ?? '');
      }
    } catch (error) {
      if (!(error instanceof AwsError)) {
        console.error(`sandbox: ${svc.signingName}.${operationName} failed:`, error);
        return this.#fail(family, svc, operationName, 'fault', svc.dialect.internalFailure(), requestId);
      }
      const throttled = error.code === svc.dialect.throttling().code;
      const outcome: Outcome = throttled ? 'throttled' : error.status >= 500 ? 'fault' : 'client_error';
      return this.#fail(family, svc, operationName, outcome, error, requestId);
    }
  }

  /** Reads a request's input the way its protocol carries it. */
  #input(
    family: WireFamily,
    operation: OperationDefinition,
    service: ServiceDefinition,
    body: Buffer,
    form: URLSearchParams | undefined,
    params: URLSearchParams | undefined,
  ) {
    switch (family) {
      case 'json':
        return readJson(operation.input, parseJsonBody(body, service), service.dialect);
      case 'query':
      case 'ec2':
        return readQuery(operation.input, form ?? new URLSearchParams(), service.dialect, {
          flatLists: family === 'ec2',
        });
      case 'rest-json':
      case 'rest-xml': {
        const fromBody =
          family === 'rest-json' && body.length > 0
            ? readJson(operation.input, parseJsonBody(body, service), service.dialect)
            : {};
        return { ...fromBody, ...readRestParams(operation.input, new Map(params ?? []), service.dialect) };
      }
    }
  }

  /** Of the services sharing a signing name, the one whose API version the form names. */
  #pick(
    services: readonly ServiceDefinition[] | undefined,
    form: URLSearchParams | undefined,
  ): ServiceDefinition | undefined {
    const version = form?.get('Version') ?? undefined;
    return services?.find((s) => (s.query ?? s.ec2)?.apiVersion === version) ?? services?.[0];
  }

  /**
   * The service's access-denied error when a denial rule matches the call, in AWS's words:
   * `User: <caller> is not authorized to perform: <prefix>:<Operation>`. A rule's serviceCode is
   * read from the raw request, before its input is validated.
   */
  #denial(
    { service, operationName, operation }: Resolved,
    caller: Caller,
    region: string,
    family: WireFamily,
    body: Buffer,
    form: URLSearchParams | undefined,
  ): AwsError | undefined {
    const { denials } = this.config;
    if (denials.length === 0) return undefined;
    let json: Record<string, unknown> | undefined;
    const member = (name: string): string | undefined => {
      if (family !== 'json') return form?.get(name) ?? undefined;
      json ??= jsonObject(body);
      const value = json[name];
      return typeof value === 'string' ? value : undefined;
    };
    const resource = operation.resourceMember === undefined ? undefined : member(operation.resourceMember);
    const denied = denials.some(
      (d) =>
        (d.account ?? caller.account.id) === caller.account.id &&
        (d.region ?? region) === region &&
        (d.operation ?? operationName) === operationName &&
        (d.serviceCode === undefined || d.serviceCode === member('ServiceCode')) &&
        (d.resource === undefined || d.resource === resource),
    );
    if (!denied) return undefined;
    const action = `${service.actionPrefix ?? service.signingName}:${operationName}`;
    return service.dialect.accessDenied(
      `User: ${caller.arn} is not authorized to perform: ${action}` +
        (resource === undefined ? '' : ` on resource: ${resource}`) +
        ` because no identity-based policy allows the ${action} action`,
    );
  }

  /** Counts a failed call under the code its client sees, and writes the protocol's error reply. */
  #fail(
    family: WireFamily,
    service: ServiceDefinition | undefined,
    operation: string,
    outcome: Outcome,
    error: AwsError,
    requestId: string,
  ): HttpReply {
    this.metering.record(
      service?.signingName ?? 'unknown',
      operation,
      outcome,
      family === 'json' || family === 'rest-json' ? error.code : error.queryCode,
    );
    return this.#errorReply(family, service, error, requestId);
  }

  /**
   * The service a request is for when its signature cannot be trusted: the credential scope if it
   * has one, else the JSON target prefix (AWS knows the service from the host name; a single
   * endpoint has only these).
   */
  #serviceOf(headers: ReadonlyMap<string, readonly string[]>): ServiceDefinition | undefined {
    const scope = /Credential=[^/]*\/[^/]*\/[^/]*\/([^/]*)\//.exec(
      headers.get('authorization')?.[0] ?? '',
    )?.[1];
    if (scope !== undefined) return this.#bySigningName.get(scope)?.[0];
    const target = headers.get('x-amz-target')?.[0] ?? '';
    const prefix = target.slice(0, Math.max(target.lastIndexOf('.'), 0));
    return SERVICES.find((s) => s.json?.targetPrefix === prefix);
  }

  #resolve(
    service: ServiceDefinition | undefined,
    family: WireFamily,
    named: string | undefined,
    form: URLSearchParams | undefined,
    method: string,
    path: string,
  ): Resolved | AwsError {
    if (!service) return unknownOperation(family, operationLabel(named));
    if (family === 'rest-json' || family === 'rest-xml') {
      for (const [operationName, operation] of Object.entries(service.operations)) {
        if (operation.http?.method !== method) continue;
        const labels = matchPath(operation.http.path, path);
        if (labels) return { service, operationName, operation, labels };
      }
      return unknownOperation(family, named);
    }
    if (family === 'json') {
      const json = service.json;
      const dot = named?.lastIndexOf('.') ?? -1;
      const prefix = named?.slice(0, Math.max(dot, 0));
      const operationName = named?.slice(dot + 1) ?? '';
      const operation = Object.hasOwn(service.operations, operationName)
        ? service.operations[operationName]
        : undefined;
      if (!json || prefix !== json.targetPrefix || !operation) return unknownOperation('json', named);
      return { service, operationName, operation };
    }
    const query = service.query ?? service.ec2;
    const action = form?.get('Action') ?? undefined;
    const operation =
      action !== undefined && Object.hasOwn(service.operations, action)
        ? service.operations[action]
        : undefined;
    if (!query || !operation || action === undefined) {
      return unknownOperation('query', action, form?.get('Version') ?? undefined);
    }
    return { service, operationName: action, operation };
  }

  #errorReply(
    family: WireFamily,
    service: ServiceDefinition | undefined,
    error: AwsError,
    requestId: string,
  ): HttpReply {
    switch (family) {
      case 'json':
        return jsonErrorReply(
          service?.json?.version ?? '1.1',
          error,
          requestId,
          service?.json?.queryCompatible ?? false,
        );
      case 'ec2':
        return ec2ErrorReply(error, requestId);
      case 'rest-json':
        return restJsonErrorReply(error, requestId);
      case 'rest-xml':
        return restXmlErrorReply(error, requestId, service?.rest?.xmlNamespace);
      case 'query':
        return queryErrorReply(error, requestId, service?.query?.xmlNamespace);
    }
  }
}

/**
 * The labels of a path matched against a template (`/clusters/{name}/node-groups`), or undefined
 * when it does not match. Labels match one segment and are percent-decoded.
 */
function matchPath(template: string, path: string): Map<string, string> | undefined {
  const want = template.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return undefined;
  const labels = new Map<string, string>();
  for (let i = 0; i < want.length; i++) {
    const part = want[i] ?? '';
    const value = got[i] ?? '';
    const label = /^\{(\w+)\}$/.exec(part)?.[1];
    if (label === undefined) {
      if (part !== value) return undefined;
      continue;
    }
    if (value === '') return undefined;
    try {
      labels.set(label, decodeURIComponent(value));
    } catch {
      return undefined;
    }
  }
  return labels;
}

/** A REST request's parameters by input member: the path's labels and the bound query-string values. */
function restParams(
  labels: Map<string, string>,
  url: string,
  operation: OperationDefinition,
): URLSearchParams {
  const params = new URLSearchParams();
  for (const [name, value] of labels) params.set(name, value);
  const at = url.indexOf('?');
  const query = new URLSearchParams(at < 0 ? '' : url.slice(at + 1));
  for (const [wire, member] of Object.entries(operation.http?.query ?? {})) {
    const value = query.get(wire);
    if (value !== null) params.set(member, value);
  }
  return params;
}

function operationLabel(named: string | undefined): string {
  if (named === undefined || named === '') return '(none)';
  return named.slice(named.lastIndexOf('.') + 1);
}

function parseJsonBody(body: Buffer, service: ServiceDefinition): unknown {
  const text = body.toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw service.dialect.serialization(
      'Unexpected character or end of input: the request body is not valid JSON.',
    );
  }
}

/** A JSON body's top-level object, or an empty one when the body is not a JSON object. */
function jsonObject(body: Buffer): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

/** Query-protocol parameters: the form body, or the URL's query string for GET. */
function queryParams(
  url: string,
  headers: ReadonlyMap<string, readonly string[]>,
  body: Buffer,
): URLSearchParams {
  const contentType = headers.get('content-type')?.[0] ?? '';
  if (
    body.length > 0 &&
    (contentType === '' || contentType.startsWith('application/x-www-form-urlencoded'))
  ) {
    return new URLSearchParams(body.toString('utf8'));
  }
  const at = url.indexOf('?');
  return new URLSearchParams(at < 0 ? '' : url.slice(at + 1));
}

/** The whole request body, or undefined when it passes the size limit. */
async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) tooLarge = true;
    else chunks.push(chunk);
  }
  return tooLarge ? undefined : Buffer.concat(chunks);
}

/**
 * Writes a reply. `Date` is the clock signatures are checked against, as AWS's is: the SDKs
 * correct their clock skew from it.
 */
function send(res: ServerResponse, reply: HttpReply, wallNow: number): void {
  const body = Buffer.from(reply.body, 'utf8');
  res.writeHead(reply.status, {
    ...reply.headers,
    date: new Date(wallNow).toUTCString(),
    'content-length': String(body.length),
  });
  res.end(body);
}

/**
 * Starts the sandbox AWS endpoint on 127.0.0.1. Given a `state` saved by another sandbox
 * (`admin.exportState()`), it starts from that state, so increase requests and Support cases live
 * on from one process to the next.
 *
 * @example
 * const sandbox = await startSandbox({ pageSize: 2 });
 * const [account] = sandbox.admin.accounts();
 * const client = new ServiceQuotasClient({ region: 'us-east-1', endpoint: sandbox.url,
 *   credentials: { accessKeyId: account.accessKeyId, secretAccessKey: account.secretAccessKey } });
 * // …
 * const state = sandbox.admin.exportState();
 * await sandbox.close();
 * const next = await startSandbox({ pageSize: 2, state }); // the same requests, cases and clock
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const resolved = resolveSandboxOptions(options);
  checkDenialOperations(resolved.denials, OPERATIONS);
  const world = new World(resolved, new SandboxClock(options.wallClock));
  // Checked in full before any of it is applied: a bad state fails the start and changes nothing.
  if (options.state !== undefined) world.restore(checkState(options.state, world));
  const server = new SandboxServer(world, resolved);
  let url = '';
  const admin = new SandboxAdmin(world, server.metering, server.throttle, server.config, () => url);
  const http: Server = createServer((req, res) => {
    server.handle(req, res, admin).catch((error: unknown) => {
      console.error('sandbox: request failed:', error);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ __type: 'InternalFailure', message: 'The sandbox failed to process the request.' }),
      );
    });
  });
  http.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(resolved.port, '127.0.0.1', () => {
      http.off('error', reject);
      resolve();
    });
  });
  const { port } = http.address() as AddressInfo;
  url = `http://127.0.0.1:${port}`;
  return {
    url,
    port,
    admin,
    close: () =>
      new Promise<void>((resolve, reject) => {
        http.close((error) => {
          if (error) reject(error);
          else resolve();
        });
        http.closeAllConnections();
      }),
  };
}
