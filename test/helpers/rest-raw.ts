/**
 * Raw REST requests to the sandbox, signed with the SDK's own SigV4 signer: for reading a REST
 * service's reply and error documents exactly as they go over the wire.
 */
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { Sandbox } from '../../src/sandbox/index.js';
import { clientSettings } from './sandbox.js';

export interface RawRestResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

/** A signed GET of `path` with these query parameters, as an SDK would send it. */
export async function signedGet(
  sandbox: Sandbox,
  request: {
    service: string;
    path: string;
    query?: Record<string, string>;
    account?: number;
    region?: string;
  },
): Promise<RawRestResponse> {
  const url = new URL(sandbox.url);
  const signer = new SignatureV4({
    service: request.service,
    region: request.region ?? 'us-east-1',
    credentials: clientSettings(sandbox, { account: request.account ?? 0 }).credentials,
    sha256: Hash.bind(null, 'sha256'),
  });
  const signed = await signer.sign({
    method: 'GET',
    protocol: 'http:',
    hostname: url.hostname,
    port: Number(url.port),
    path: request.path,
    query: request.query ?? {},
    headers: { host: url.host },
  });
  const search = new URLSearchParams(request.query ?? {}).toString();
  const response = await fetch(`${sandbox.url}${request.path}${search === '' ? '' : `?${search}`}`, {
    method: 'GET',
    headers: signed.headers,
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}
