/**
 * The wire: telling the JSON-RPC and query protocols apart, and writing replies and errors the
 * way each protocol's AWS services write them (see AWS-FACTS §2).
 */
import { AwsError } from './errors.js';
import type { SignatureProblemKind } from './sigv4.js';
import { escapeXml, xmlChildren } from './xml.js';

export type WireFamily = 'json' | 'query';

export interface HttpReply {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** `X-Amz-Target` means JSON-RPC; otherwise the request is a query-protocol form. */
export function detectFamily(headers: ReadonlyMap<string, readonly string[]>): WireFamily {
  return headers.has('x-amz-target') ? 'json' : 'query';
}

/** JSON timestamps are epoch seconds (fractional allowed). */
export function toJsonValue(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v !== undefined) out[k] = toJsonValue(v);
    }
    return out;
  }
  return value;
}

function jsonContentType(version: '1.0' | '1.1'): string {
  return `application/x-amz-json-${version}`;
}

export function jsonReply(version: '1.0' | '1.1', output: unknown, requestId: string): HttpReply {
  return {
    status: 200,
    headers: { 'content-type': jsonContentType(version), 'x-amzn-requestid': requestId },
    body: JSON.stringify(toJsonValue(output ?? {})),
  };
}

export function jsonErrorReply(
  version: '1.0' | '1.1',
  error: AwsError,
  requestId: string,
  queryCompatible: boolean,
): HttpReply {
  const headers: Record<string, string> = {
    'content-type': jsonContentType(version),
    'x-amzn-requestid': requestId,
    'x-amzn-errortype': error.code,
    ...error.headers,
  };
  if (queryCompatible) headers['x-amzn-query-error'] = `${error.queryCode};${error.fault}`;
  return {
    status: error.status,
    headers,
    body: JSON.stringify({ __type: error.code, [error.messageKey]: error.message, ...error.extra }),
  };
}

export function queryReply(
  operation: string,
  output: unknown,
  requestId: string,
  xmlNamespace: string,
): HttpReply {
  const result =
    output === undefined || output === null
      ? ''
      : `<${operation}Result>${xmlChildren(output as Record<string, unknown>)}</${operation}Result>`;
  return {
    status: 200,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
    body:
      `<?xml version="1.0" encoding="UTF-8"?>\n<${operation}Response xmlns="${xmlNamespace}">${result}` +
      `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${operation}Response>`,
  };
}

export function queryErrorReply(
  error: AwsError,
  requestId: string,
  xmlNamespace: string | undefined,
): HttpReply {
  const ns = xmlNamespace === undefined ? '' : ` xmlns="${xmlNamespace}"`;
  return {
    status: error.status,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId, ...error.headers },
    body:
      `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse${ns}><Error><Type>${error.fault}</Type>` +
      `<Code>${escapeXml(error.queryCode)}</Code><Message>${escapeXml(error.message)}</Message></Error>` +
      `<RequestId>${requestId}</RequestId></ErrorResponse>`,
  };
}

const AUTH_ERRORS: Record<
  SignatureProblemKind,
  { json: string; query: string; jsonStatus: number; queryStatus: number }
> = {
  missing: {
    json: 'MissingAuthenticationTokenException',
    query: 'MissingAuthenticationToken',
    jsonStatus: 400,
    queryStatus: 403,
  },
  incomplete: {
    json: 'IncompleteSignatureException',
    query: 'IncompleteSignature',
    jsonStatus: 400,
    queryStatus: 400,
  },
  'unknown-key': {
    json: 'UnrecognizedClientException',
    query: 'InvalidClientTokenId',
    jsonStatus: 400,
    queryStatus: 403,
  },
  mismatch: {
    json: 'InvalidSignatureException',
    query: 'SignatureDoesNotMatch',
    jsonStatus: 400,
    queryStatus: 403,
  },
  // STS and IAM answer ExpiredToken with 403; JSON services with 400 (KMS, Logs, Secrets Manager).
  'expired-token': {
    json: 'ExpiredTokenException',
    query: 'ExpiredToken',
    jsonStatus: 400,
    queryStatus: 403,
  },
  skewed: {
    json: 'InvalidSignatureException',
    query: 'SignatureDoesNotMatch',
    jsonStatus: 400,
    queryStatus: 403,
  },
};

/** The error AWS answers for a signing problem, in the protocol family's words. */
export function authError(kind: SignatureProblemKind, message: string, family: WireFamily): AwsError {
  const spec = AUTH_ERRORS[kind];
  return family === 'json'
    ? new AwsError(spec.json, message, spec.jsonStatus, { queryCode: spec.query, messageKey: 'message' })
    : new AwsError(spec.json, message, spec.queryStatus, { queryCode: spec.query, messageKey: 'message' });
}

/** A request for an operation (or a service) this endpoint does not have. */
export function unknownOperation(
  family: WireFamily,
  name: string | undefined,
  apiVersion?: string,
): AwsError {
  if (family === 'json') {
    return new AwsError('UnknownOperationException', `Unknown operation ${name ?? '(none)'}`, 400, {
      queryCode: 'InvalidAction',
      messageKey: 'message',
    });
  }
  const message =
    name === undefined || name === ''
      ? 'The request must contain the parameter Action.'
      : `Could not find operation ${name} for version ${apiVersion ?? 'NO_VERSION_SPECIFIED'}`;
  return new AwsError('InvalidAction', message, 400, {
    queryCode: name === undefined || name === '' ? 'MissingAction' : 'InvalidAction',
    messageKey: 'message',
  });
}
