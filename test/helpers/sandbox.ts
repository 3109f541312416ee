/**
 * Test helpers for talking to a sandbox: SDK client settings for an account, and raw signed
 * requests (for the malformed inputs no SDK would send), signed with the SDK's own SigV4 signer.
 */
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { Sandbox } from '../../src/sandbox/index.js';

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
