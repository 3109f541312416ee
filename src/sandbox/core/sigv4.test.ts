import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import {
  type ParsedAuthorization,
  type SignatureProblemKind,
  type SignedRequest,
  SignatureProblem,
  headerMap,
  parseAuthorization,
  verifySignature,
} from './sigv4.js';

/** Runs `action` and returns the SignatureProblem it throws, failing if it throws anything else or nothing. */
function problemOf(action: () => unknown): SignatureProblem {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(SignatureProblem);
    return error as SignatureProblem;
  }
  throw new Error('expected a SignatureProblem, but nothing was thrown');
}

describe('parseAuthorization', () => {
  it('reads the access key, scope, signed headers and signature of a valid header', () => {
    const parsed = parseAuthorization(
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, ' +
        'SignedHeaders=content-type;host;x-amz-date, ' +
        'Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7',
    );
    expect(parsed).toEqual<ParsedAuthorization>({
      accessKeyId: 'AKIDEXAMPLE',
      scopeDate: '20150830',
      region: 'us-east-1',
      service: 'iam',
      signedHeaders: ['content-type', 'host', 'x-amz-date'],
      signature: '5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7',
    });
  });

  it('accepts the fields without spaces after the commas and in any order', () => {
    const parsed = parseAuthorization(
      'AWS4-HMAC-SHA256 Signature=abcd,SignedHeaders=host;x-amz-date,Credential=AKID/20260101/eu-west-1/sts/aws4_request',
    );
    expect(parsed).toMatchObject({
      accessKeyId: 'AKID',
      region: 'eu-west-1',
      service: 'sts',
      signedHeaders: ['host', 'x-amz-date'],
      signature: 'abcd',
    });
  });

  it.each<[string, string | undefined]>([
    ['absent', undefined],
    ['empty', ''],
    ['blank', '   '],
  ])('reports a %s header as missing', (_label, header) => {
    const problem = problemOf(() => parseAuthorization(header));
    expect(problem.kind).toBe<SignatureProblemKind>('missing');
    expect(problem.message).toBe('Request is missing Authentication Token');
  });

  const credential = 'Credential=AKID/20260101/us-east-1/servicequotas/aws4_request';
  const signedHeaders = 'SignedHeaders=host;x-amz-date';
  const signature = 'Signature=0123abcd';

  it.each<[string, string, string]>([
    ['another algorithm', `AWS4-HMAC-SHA1 ${credential}, ${signedHeaders}, ${signature}`, "'AWS4-HMAC-SHA1'"],
    ['SigV2', 'AWS AKID:c2lnbmF0dXJl', "Unsupported AWS 'algorithm': 'AWS'"],
    ['no Credential', `AWS4-HMAC-SHA256 ${signedHeaders}, ${signature}`, "requires 'Credential' parameter"],
    ['no Signature', `AWS4-HMAC-SHA256 ${credential}, ${signedHeaders}`, "requires 'Signature' parameter"],
    [
      'no SignedHeaders',
      `AWS4-HMAC-SHA256 ${credential}, ${signature}`,
      "requires 'SignedHeaders' parameter",
    ],
    [
      'an empty Signature',
      `AWS4-HMAC-SHA256 ${credential}, ${signedHeaders}, Signature=`,
      "requires 'Signature'",
    ],
    [
      'a scope of four parts',
      `AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/aws4_request, ${signedHeaders}, ${signature}`,
      "end in 'aws4_request'",
    ],
    [
      'a scope not ending in aws4_request',
      `AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/sts/aws5_request, ${signedHeaders}, ${signature}`,
      'Credential should be scoped',
    ],
    [
      'a scope with an empty region',
      `AWS4-HMAC-SHA256 Credential=AKID/20260101//sts/aws4_request, ${signedHeaders}, ${signature}`,
      'Credential should be scoped',
    ],
    [
      'a dashed scope date',
      `AWS4-HMAC-SHA256 Credential=AKID/2026-01-01/us-east-1/sts/aws4_request, ${signedHeaders}, ${signature}`,
      "Got '2026-01-01'",
    ],
    [
      'a seven-digit scope date',
      `AWS4-HMAC-SHA256 Credential=AKID/2026011/us-east-1/sts/aws4_request, ${signedHeaders}, ${signature}`,
      "ISO-8601 'basic format'",
    ],
  ])('reports a header with %s as incomplete', (_label, header, wording) => {
    const problem = problemOf(() => parseAuthorization(header));
    expect(problem.kind).toBe<SignatureProblemKind>('incomplete');
    expect(problem.message).toContain(wording);
  });

  it('names every missing field at once', () => {
    const problem = problemOf(() => parseAuthorization(`AWS4-HMAC-SHA256 ${credential}`));
    expect(problem.message).toContain("requires 'Signature' parameter");
    expect(problem.message).toContain("requires 'SignedHeaders' parameter");
    expect(problem.message).not.toContain("requires 'Credential' parameter");
  });
});

/**
 * AWS's published SigV4 example: IAM ListUsers by GET, from "Create a signed AWS API request"
 * and the SigV4 test suite (get-vanilla-query with a content type).
 */
const AWS_EXAMPLE = {
  secret: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  wallNow: Date.UTC(2015, 7, 30, 12, 36, 0),
  authorization:
    'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, ' +
    'SignedHeaders=content-type;host;x-amz-date, ' +
    'Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7',
};

/** The example request; a header set to undefined is left out. */
function exampleRequest(
  changes: { url?: string; headers?: Record<string, string | undefined>; body?: string } = {},
): SignedRequest {
  const headers: Record<string, string | undefined> = {
    'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
    host: 'iam.amazonaws.com',
    'x-amz-date': '20150830T123600Z',
    ...changes.headers,
  };
  const present = Object.entries(headers).flatMap(([name, value]) =>
    value === undefined ? [] : [[name, [value]] as const],
  );
  return {
    method: 'GET',
    url: changes.url ?? '/?Action=ListUsers&Version=2010-05-08',
    headers: new Map(present),
    body: Buffer.from(changes.body ?? ''),
  };
}

describe('verifySignature with the AWS example request', () => {
  const auth = parseAuthorization(AWS_EXAMPLE.authorization);

  it('accepts the published signature', () => {
    expect(() => {
      verifySignature(exampleRequest(), auth, AWS_EXAMPLE.secret, AWS_EXAMPLE.wallNow);
    }).not.toThrow();
  });

  it.each<[string, number]>([
    ['5 minutes earlier', -5 * 60_000],
    ['5 minutes later', 5 * 60_000],
  ])('accepts a wall clock %s, the edge of the window', (_label, offset) => {
    expect(() => {
      verifySignature(exampleRequest(), auth, AWS_EXAMPLE.secret, AWS_EXAMPLE.wallNow + offset);
    }).not.toThrow();
  });

  it('accepts the query parameters in another order', () => {
    expect(() => {
      verifySignature(
        exampleRequest({ url: '/?Version=2010-05-08&Action=ListUsers' }),
        auth,
        AWS_EXAMPLE.secret,
        AWS_EXAMPLE.wallNow,
      );
    }).not.toThrow();
  });

  it.each<[string, SignedRequest, ParsedAuthorization, string]>([
    ['a wrong secret', exampleRequest(), auth, 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEZ'],
    [
      'a changed query value',
      exampleRequest({ url: '/?Action=ListUsers&Version=2010-05-09' }),
      auth,
      AWS_EXAMPLE.secret,
    ],
    [
      'an added query parameter',
      exampleRequest({ url: '/?Action=ListUsers&Version=2010-05-08&A=1' }),
      auth,
      AWS_EXAMPLE.secret,
    ],
    [
      'another path',
      exampleRequest({ url: '/users?Action=ListUsers&Version=2010-05-08' }),
      auth,
      AWS_EXAMPLE.secret,
    ],
    [
      'a changed signed header value',
      exampleRequest({ headers: { 'content-type': 'application/json' } }),
      auth,
      AWS_EXAMPLE.secret,
    ],
    ['a changed host', exampleRequest({ headers: { host: 'sts.amazonaws.com' } }), auth, AWS_EXAMPLE.secret],
    ['a body', exampleRequest({ body: 'Action=ListUsers' }), auth, AWS_EXAMPLE.secret],
    ['another region in the scope', exampleRequest(), { ...auth, region: 'us-west-2' }, AWS_EXAMPLE.secret],
    ['another service in the scope', exampleRequest(), { ...auth, service: 'sts' }, AWS_EXAMPLE.secret],
    [
      'a truncated signature',
      exampleRequest(),
      { ...auth, signature: auth.signature.slice(0, 62) },
      AWS_EXAMPLE.secret,
    ],
    [
      'a scope date other than X-Amz-Date',
      exampleRequest(),
      { ...auth, scopeDate: '20150831' },
      AWS_EXAMPLE.secret,
    ],
    [
      'host not among the signed headers',
      exampleRequest(),
      { ...auth, signedHeaders: ['content-type', 'x-amz-date'] },
      AWS_EXAMPLE.secret,
    ],
  ])('rejects %s as a mismatch', (_label, request, authorization, secret) => {
    const problem = problemOf(() => {
      verifySignature(request, authorization, secret, AWS_EXAMPLE.wallNow);
    });
    expect(problem.kind).toBe<SignatureProblemKind>('mismatch');
  });

  it('words a scope date mismatch as AWS does', () => {
    const problem = problemOf(() => {
      verifySignature(
        exampleRequest(),
        { ...auth, scopeDate: '20150831' },
        AWS_EXAMPLE.secret,
        AWS_EXAMPLE.wallNow,
      );
    });
    expect(problem.message).toBe(
      "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20150831' != '20150830', from '20150830T123600Z'.",
    );
  });

  it.each<[string, number, string]>([
    [
      '6 minutes later',
      6 * 60_000,
      'Signature expired: 20150830T123600Z is now earlier than 20150830T123700Z',
    ],
    [
      '6 minutes earlier',
      -6 * 60_000,
      'Signature not yet current: 20150830T123600Z is still later than 20150830T123500Z',
    ],
  ])('reports a wall clock %s as skewed', (_label, offset, wording) => {
    const problem = problemOf(() => {
      verifySignature(exampleRequest(), auth, AWS_EXAMPLE.secret, AWS_EXAMPLE.wallNow + offset);
    });
    expect(problem.kind).toBe<SignatureProblemKind>('skewed');
    expect(problem.message).toContain(wording);
  });

  it.each<[string, Record<string, string | undefined>]>([
    ['neither X-Amz-Date nor Date', { 'x-amz-date': undefined }],
    ['an X-Amz-Date in extended format', { 'x-amz-date': '2015-08-30T12:36:00Z' }],
  ])('reports a request with %s as incomplete', (_label, headers) => {
    const problem = problemOf(() => {
      verifySignature(exampleRequest({ headers }), auth, AWS_EXAMPLE.secret, AWS_EXAMPLE.wallNow);
    });
    expect(problem.kind).toBe<SignatureProblemKind>('incomplete');
  });
});

describe('headerMap', () => {
  it('lower-cases names and keeps repeated values in arrival order', () => {
    const map = headerMap([
      'Host',
      'example.com',
      'X-Amz-Meta',
      'a',
      'x-amz-meta',
      'b',
      'Content-Type',
      'text/plain',
    ]);
    expect([...map]).toEqual([
      ['host', ['example.com']],
      ['x-amz-meta', ['a', 'b']],
      ['content-type', ['text/plain']],
    ]);
  });
});

describe('verifySignature against the SDK signer (@smithy/signature-v4)', () => {
  const credentials = { accessKeyId: 'AKIAHEADROOMEXAMPLE', secretAccessKey: 'sandbox/secret+KEY/example' };
  const signingDate = new Date(Date.UTC(2026, 0, 2, 3, 4, 5));
  const wallNow = signingDate.getTime() + 42_000;

  /** Signs as the SDK does, then rebuilds the headers as the server does from `req.rawHeaders`. */
  async function signWithSdk(input: {
    method?: string;
    path?: string;
    query?: Record<string, string | string[]>;
    headers?: Record<string, string>;
    body?: string;
    service?: string;
    region?: string;
  }): Promise<{ headers: Map<string, string[]>; auth: ParsedAuthorization }> {
    const signer = new SignatureV4({
      service: input.service ?? 'servicequotas',
      region: input.region ?? 'us-east-1',
      credentials,
      sha256: Hash.bind(null, 'sha256'),
    });
    const signed = await signer.sign(
      {
        method: input.method ?? 'POST',
        protocol: 'http:',
        hostname: '127.0.0.1',
        port: 4566,
        path: input.path ?? '/',
        query: input.query ?? {},
        headers: { host: '127.0.0.1:4566', ...input.headers },
        body: input.body,
      },
      { signingDate },
    );
    const rawHeaders = Object.entries(signed.headers).flat();
    const headers = headerMap(rawHeaders);
    return { headers, auth: parseAuthorization(headers.get('authorization')?.[0]) };
  }

  const jsonBody = JSON.stringify({ ServiceCode: 'ec2', QuotaCode: 'L-1216C47A', MaxResults: 5 });
  const jsonHeaders = {
    'Content-Type': 'application/x-amz-json-1.1',
    'X-Amz-Target': 'ServiceQuotasV20190624.GetServiceQuota',
  };

  it('accepts a JSON POST signed by the SDK and reads its scope', async () => {
    const { headers, auth } = await signWithSdk({
      headers: jsonHeaders,
      body: jsonBody,
      region: 'eu-west-1',
    });
    expect(auth).toMatchObject({
      accessKeyId: credentials.accessKeyId,
      scopeDate: '20260102',
      region: 'eu-west-1',
      service: 'servicequotas',
    });
    expect(auth.signedHeaders).toEqual(
      expect.arrayContaining(['host', 'content-type', 'x-amz-target', 'x-amz-date']),
    );
    expect(() => {
      verifySignature(
        { method: 'POST', url: '/', headers, body: Buffer.from(jsonBody) },
        auth,
        credentials.secretAccessKey,
        wallNow,
      );
    }).not.toThrow();
  });

  it.each<[string, (request: SignedRequest) => SignedRequest, string]>([
    [
      'a changed body',
      (r) => ({ ...r, body: Buffer.from(jsonBody.replace('ec2', 'ebs')) }),
      credentials.secretAccessKey,
    ],
    [
      'a changed target header',
      (r) => ({
        ...r,
        headers: new Map([...r.headers, ['x-amz-target', ['ServiceQuotasV20190624.ListServices']]]),
      }),
      credentials.secretAccessKey,
    ],
    ['another method', (r) => ({ ...r, method: 'PUT' }), credentials.secretAccessKey],
    ['another secret', (r) => r, `${credentials.secretAccessKey}x`],
  ])('rejects an SDK-signed JSON POST with %s', async (_label, change, secret) => {
    const { headers, auth } = await signWithSdk({ headers: jsonHeaders, body: jsonBody });
    const request = change({ method: 'POST', url: '/', headers, body: Buffer.from(jsonBody) });
    const problem = problemOf(() => {
      verifySignature(request, auth, secret, wallNow);
    });
    expect(problem.kind).toBe<SignatureProblemKind>('mismatch');
  });

  it('canonicalizes header values as the SDK does: trimmed, inner whitespace folded', async () => {
    const { headers, auth } = await signWithSdk({
      headers: { ...jsonHeaders, 'X-Headroom-Note': '  two   words\there ' },
      body: jsonBody,
    });
    expect(auth.signedHeaders).toContain('x-headroom-note');
    expect(() => {
      verifySignature(
        { method: 'POST', url: '/', headers, body: Buffer.from(jsonBody) },
        auth,
        credentials.secretAccessKey,
        wallNow,
      );
    }).not.toThrow();
  });

  it.each<[string]>([['/'], ['/a/b/'], ['/2015-03-31/functions/my%3Afn/invocations'], ['/a/./b/../c']])(
    'canonicalizes the path %s as the SDK does',
    async (path) => {
      const { headers, auth } = await signWithSdk({ path, headers: jsonHeaders, body: jsonBody });
      expect(() => {
        verifySignature(
          { method: 'POST', url: path, headers, body: Buffer.from(jsonBody) },
          auth,
          credentials.secretAccessKey,
          wallNow,
        );
      }).not.toThrow();
    },
  );

  /**
   * The SDK signs the decoded query values and sends them escaped (RFC 3986, so a space is %20
   * and '+' is %2B). Other clients may send a space as '+', form-style. Each row: what the SDK
   * signed, the query as it arrives on the wire, and whether the server must accept it.
   */
  it.each<[string, Record<string, string | string[]>, string, boolean]>([
    ['repeated keys, in the SDK wire order', { a: ['2', '1', '10'], b: 'x' }, 'a=2&a=1&a=10&b=x', true],
    ['repeated keys, in another order', { a: ['2', '1', '10'], b: 'x' }, 'b=x&a=10&a=1&a=2', true],
    ['repeated keys, a value changed', { a: ['2', '1', '10'], b: 'x' }, 'a=2&a=1&a=11&b=x', false],
    ['repeated keys, a value dropped', { a: ['2', '1', '10'], b: 'x' }, 'a=2&a=1&b=x', false],
    ['a key that prefixes another', { a: '1', 'a.b': '2' }, 'a.b=2&a=1', true],
    ['a space sent as %20', { v: 'a b' }, 'v=a%20b', true],
    ['a space sent as +', { v: 'a b' }, 'v=a+b', true],
    ['a plus sent as %2B', { v: 'a+b' }, 'v=a%2Bb', true],
    ['a plus sent bare (read as a space)', { v: 'a+b' }, 'v=a+b', false],
    ['a space in a key, sent as %20', { 'k y': '1' }, 'k%20y=1', true],
    ['a space in a key, sent as +', { 'k y': '1' }, 'k+y=1', true],
    ["RFC 3986 reserved marks !'()*", { v: "!'()*~" }, 'v=%21%27%28%29%2A~', true],
    ['unescaped unreserved marks', { v: "!'()*~" }, "v=!'()*~", true],
    ['lower-case percent escapes', { v: 'é/?&=' }, 'v=%c3%a9%2f%3f%26%3d', true],
    ['an empty value', { v: '' }, 'v=', true],
    ['an empty value sent without =', { v: '' }, 'v', true],
  ])('query with %s', async (_label, query, wireQuery, accepted) => {
    const { headers, auth } = await signWithSdk({ method: 'GET', query, service: 'monitoring' });
    const verify = (): void => {
      verifySignature(
        { method: 'GET', url: `/?${wireQuery}`, headers, body: Buffer.alloc(0) },
        auth,
        credentials.secretAccessKey,
        wallNow,
      );
    };
    if (accepted) expect(verify).not.toThrow();
    else expect(problemOf(verify).kind).toBe<SignatureProblemKind>('mismatch');
  });
});
