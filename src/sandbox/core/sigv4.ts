/**
 * AWS Signature Version 4, checked the way AWS checks it: the credential scope names the service
 * and region, the access key names the caller, and the signature is recomputed from the request
 * and the caller's secret. A request that fails gets the problem's kind; the protocol layer words
 * it as the service would (JSON: InvalidSignatureException, query: SignatureDoesNotMatch, …).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export type SignatureProblemKind =
  'missing' | 'incomplete' | 'unknown-key' | 'mismatch' | 'expired-token' | 'skewed';

export class SignatureProblem extends Error {
  readonly kind: SignatureProblemKind;

  constructor(kind: SignatureProblemKind, message: string) {
    super(message);
    this.kind = kind;
    this.name = 'SignatureProblem';
  }
}

export interface ParsedAuthorization {
  accessKeyId: string;
  /** YYYYMMDD from the credential scope. */
  scopeDate: string;
  region: string;
  service: string;
  signedHeaders: readonly string[];
  signature: string;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';

/** Parses `AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/servicequotas/aws4_request, SignedHeaders=…, Signature=…`. */
export function parseAuthorization(header: string | undefined): ParsedAuthorization {
  if (header === undefined || header.trim() === '') {
    throw new SignatureProblem('missing', 'Request is missing Authentication Token');
  }
  const trimmed = header.trim();
  const algorithm = trimmed.split(/\s+/, 1)[0] ?? '';
  if (algorithm !== ALGORITHM) {
    throw new SignatureProblem('incomplete', `Unsupported AWS 'algorithm': '${algorithm}'`);
  }
  const fields = new Map<string, string>();
  for (const part of trimmed.slice(ALGORITHM.length).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const missing = ['Credential', 'Signature', 'SignedHeaders'].filter((f) => !fields.get(f));
  if (missing.length > 0) {
    const requirements = missing.map((f) => `Authorization header requires '${f}' parameter.`).join(' ');
    throw new SignatureProblem('incomplete', `${requirements} Authorization=${trimmed}`);
  }
  const credential = fields.get('Credential') ?? '';
  const scope = credential.split('/');
  if (scope.length !== 5 || scope[4] !== 'aws4_request' || scope.some((s) => s === '')) {
    throw new SignatureProblem(
      'incomplete',
      `Credential should be scoped to a valid region, service and date, and end in 'aws4_request'. Credential=${credential}`,
    );
  }
  const [accessKeyId, scopeDate, region, service] = scope as [string, string, string, string, string];
  if (!/^\d{8}$/.test(scopeDate)) {
    throw new SignatureProblem('incomplete', `Date must be in ISO-8601 'basic format'. Got '${scopeDate}'.`);
  }
  return {
    accessKeyId,
    scopeDate,
    region,
    service,
    signedHeaders: (fields.get('SignedHeaders') ?? '').split(';').filter(Boolean),
    signature: fields.get('Signature') ?? '',
  };
}

export interface SignedRequest {
  method: string;
  /** The raw request target: path plus query string, as received. */
  url: string;
  /** Header name (lower case) → values in arrival order. */
  headers: ReadonlyMap<string, readonly string[]>;
  body: Buffer;
}

/** Collects `rawHeaders` into lower-cased names with every value kept, as SigV4 needs them. */
export function headerMap(rawHeaders: readonly string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = (rawHeaders[i] ?? '').toLowerCase();
    const values = out.get(name) ?? [];
    values.push(rawHeaders[i + 1] ?? '');
    out.set(name, values);
  }
  return out;
}

/** RFC 3986 percent-encoding, leaving the unreserved characters alone. */
function uriEscape(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * Non-S3 services sign the path encoded a second time: the signer escapes the already-escaped
 * path, keeping the slashes (SDK `getCanonicalPath`, botocore `_normalize_url_path` + quote).
 */
function canonicalPath(rawPath: string): string {
  const segments: string[] = [];
  for (const segment of rawPath.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const normalized = `/${segments.join('/')}${rawPath.endsWith('/') && segments.length > 0 ? '/' : ''}`;
  return uriEscape(normalized).replace(/%2F/g, '/');
}

function canonicalQuery(rawQuery: string): string {
  if (rawQuery === '') return '';
  const pairs = rawQuery
    .split('&')
    .filter((p) => p !== '')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const key = eq < 0 ? pair : pair.slice(0, eq);
      const value = eq < 0 ? '' : pair.slice(eq + 1);
      return [
        uriEscape(safeDecode(key.replace(/\+/g, ' '))),
        uriEscape(safeDecode(value.replace(/\+/g, ' '))),
      ] as const;
    })
    .filter(([key]) => key !== 'X-Amz-Signature');
  pairs.sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

/** The `X-Amz-Date` of a request as epoch milliseconds, or a problem if it is absent or malformed. */
export function requestTime(request: SignedRequest): { amzDate: string; millis: number } {
  const amzDate = request.headers.get('x-amz-date')?.[0];
  if (amzDate === undefined) {
    const date = request.headers.get('date')?.[0];
    const millis = date === undefined ? Number.NaN : Date.parse(date);
    if (!Number.isFinite(millis)) {
      throw new SignatureProblem(
        'incomplete',
        `Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.`,
      );
    }
    return {
      amzDate: new Date(millis)
        .toISOString()
        .replace(/[-:]/g, '')
        .replace(/\.\d{3}/, ''),
      millis,
    };
  }
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  if (!match) {
    throw new SignatureProblem('incomplete', `Date must be in ISO-8601 'basic format'. Got '${amzDate}'.`);
  }
  const [, y, mo, d, h, mi, s] = match;
  return {
    amzDate,
    millis: Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)),
  };
}

const MAX_SKEW_MS = 5 * 60 * 1000;

function compact(millis: number): string {
  return new Date(millis)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/**
 * Recomputes the signature with the caller's secret and compares. Also enforces that the scope
 * date matches the request date and that the request time is within AWS's 5-minute window of
 * the wall clock.
 */
export function verifySignature(
  request: SignedRequest,
  auth: ParsedAuthorization,
  secretAccessKey: string,
  wallNow: number,
): void {
  const { amzDate, millis } = requestTime(request);
  if (amzDate.slice(0, 8) !== auth.scopeDate) {
    throw new SignatureProblem(
      'mismatch',
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${auth.scopeDate}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`,
    );
  }
  if (millis < wallNow - MAX_SKEW_MS) {
    throw new SignatureProblem(
      'skewed',
      `Signature expired: ${amzDate} is now earlier than ${compact(wallNow - MAX_SKEW_MS)} (${compact(wallNow)} - 5 min.)`,
    );
  }
  if (millis > wallNow + MAX_SKEW_MS) {
    throw new SignatureProblem(
      'skewed',
      `Signature not yet current: ${amzDate} is still later than ${compact(wallNow + MAX_SKEW_MS)} (${compact(wallNow)} + 5 min.)`,
    );
  }
  if (!auth.signedHeaders.includes('host')) {
    throw new SignatureProblem(
      'mismatch',
      `'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.`,
    );
  }

  const queryAt = request.url.indexOf('?');
  const rawPath = queryAt < 0 ? request.url : request.url.slice(0, queryAt);
  const rawQuery = queryAt < 0 ? '' : request.url.slice(queryAt + 1);
  const canonicalHeaders = auth.signedHeaders
    .map((name) => {
      const values = request.headers.get(name) ?? [];
      return `${name}:${values.map((v) => v.trim().replace(/\s+/g, ' ')).join(',')}\n`;
    })
    .join('');
  const declaredPayloadHash = request.headers.get('x-amz-content-sha256')?.[0];
  const payloadHash =
    declaredPayloadHash === 'UNSIGNED-PAYLOAD' ? declaredPayloadHash : sha256Hex(request.body);
  const canonicalRequest = [
    request.method,
    canonicalPath(rawPath),
    canonicalQuery(rawQuery),
    canonicalHeaders,
    auth.signedHeaders.join(';'),
    payloadHash,
  ].join('\n');
  const scope = `${auth.scopeDate}/${auth.region}/${auth.service}/aws4_request`;
  const stringToSign = [ALGORITHM, amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  let key = hmac(`AWS4${secretAccessKey}`, auth.scopeDate);
  key = hmac(key, auth.region);
  key = hmac(key, auth.service);
  key = hmac(key, 'aws4_request');
  const expected = hmac(key, stringToSign);
  const given = Buffer.from(auth.signature, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new SignatureProblem(
      'mismatch',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    );
  }
}
