/**
 * The wire: telling the protocols apart (JSON-RPC, query, EC2 query, REST-JSON, REST-XML), and
 * writing replies and errors the way each protocol's AWS services write them (see AWS-FACTS §2).
 */
import { AwsError } from './errors.js';
import type { SignatureProblemKind } from './sigv4.js';
import { escapeXml, xmlChildren } from './xml.js';

export type WireFamily = 'json' | 'query' | 'ec2' | 'rest-json' | 'rest-xml';

export interface HttpReply {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/**
 * `X-Amz-Target` means JSON-RPC; otherwise the protocol of the service the request is signed
 * for (REST-JSON, REST-XML or EC2's query), else a query-protocol form.
 */
export function detectFamily(
  headers: ReadonlyMap<string, readonly string[]>,
  service?: { rest?: { kind: 'json' | 'xml' }; ec2?: unknown },
): WireFamily {
  if (headers.has('x-amz-target')) return 'json';
  if (service?.rest) return service.rest.kind === 'json' ? 'rest-json' : 'rest-xml';
  if (service?.ec2) return 'ec2';
  return 'query';
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

/** The query protocol's error: `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>`. */
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

/** EC2's reply: the operation's response element with `requestId`, and no Result wrapper. */
export function ec2Reply(
  operation: string,
  output: unknown,
  requestId: string,
  xmlNamespace: string,
): HttpReply {
  const body = output === undefined || output === null ? '' : xmlChildren(output as Record<string, unknown>);
  return {
    status: 200,
    headers: { 'content-type': 'text/xml;charset=UTF-8', 'x-amzn-requestid': requestId },
    body:
      `<?xml version="1.0" encoding="UTF-8"?>\n<${operation}Response xmlns="${xmlNamespace}">` +
      `<requestId>${requestId}</requestId>${body}</${operation}Response>`,
  };
}

/** EC2's error: `<Response><Errors><Error>…</Error></Errors><RequestID>…</RequestID></Response>`. */
export function ec2ErrorReply(error: AwsError, requestId: string): HttpReply {
  return {
    status: error.status,
    headers: { 'content-type': 'text/xml;charset=UTF-8', ...error.headers },
    body:
      `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${escapeXml(error.queryCode)}</Code>` +
      `<Message>${escapeXml(error.message)}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`,
  };
}

/** REST-JSON's reply: the output members as a JSON document (timestamps epoch seconds). */
export function restJsonReply(output: unknown, requestId: string): HttpReply {
  return {
    status: 200,
    headers: { 'content-type': 'application/json', 'x-amzn-requestid': requestId },
    body: JSON.stringify(toJsonValue(output ?? {})),
  };
}

/** REST-JSON's error: the code in `x-amzn-errortype`, the message in the body. */
export function restJsonErrorReply(error: AwsError, requestId: string): HttpReply {
  return {
    status: error.status,
    headers: {
      'content-type': 'application/json',
      'x-amzn-requestid': requestId,
      'x-amzn-errortype': error.code,
      ...error.headers,
    },
    body: JSON.stringify({ [error.messageKey]: error.message, ...error.extra }),
  };
}

/** REST-XML's reply: the output structure as the document element (Route 53, CloudFront). */
export function restXmlReply(
  root: string,
  output: unknown,
  requestId: string,
  xmlNamespace: string,
): HttpReply {
  const body = output === undefined || output === null ? '' : xmlChildren(output as Record<string, unknown>);
  return {
    status: 200,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="${xmlNamespace}">${body}</${root}>`,
  };
}

/** REST-XML's error (Route 53, CloudFront): the same `<ErrorResponse>` document as the query protocol's. */
export const restXmlErrorReply = queryErrorReply;

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
  // EC2 answers every credential problem but a missing one with AuthFailure, 401.
  if (family === 'ec2') {
    const code = kind === 'missing' ? 'MissingAuthenticationToken' : 'AuthFailure';
    return new AwsError(code, message, kind === 'missing' ? 401 : 401, { messageKey: 'message' });
  }
  if (family === 'rest-json') {
    return new AwsError(spec.json, message, 403, { queryCode: spec.query, messageKey: 'message' });
  }
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
  if (family === 'rest-json' || family === 'rest-xml') {
    return new AwsError('UnknownOperationException', `No operation matches ${name ?? '(none)'}`, 404, {
      queryCode: 'UnknownOperation',
      messageKey: 'message',
    });
  }
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
