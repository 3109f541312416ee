import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { REDACT_PATHS, REDACTED, scrubSecrets } from './scrub.js';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const SIGNATURE = 'fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024';

describe('scrubSecrets', () => {
  it.each([
    ['a long-term access key id', 'key AKIAIOSFODNN7EXAMPLE used', 'key AKIA[redacted] used'],
    ['a temporary access key id', '"accessKeyId":"ASIAY34FZKBOKMUTVV7A"', '"accessKeyId":"ASIA[redacted]"'],
    [
      'a header signature',
      `SignedHeaders=host, Signature=${SIGNATURE}`,
      'SignedHeaders=host, Signature=[redacted]',
    ],
    ['a presigned URL signature', `&X-Amz-Signature=${SIGNATURE}&x=1`, '&X-Amz-Signature=[redacted]&x=1'],
    [
      'a presigned URL session token',
      '?X-Amz-Security-Token=IQoJb3JpZ2luX2Vj%2F%2Fabc&X-Amz-Date=1',
      '?X-Amz-Security-Token=[redacted]&X-Amz-Date=1',
    ],
    ['a secret key in text', `secretAccessKey=${SECRET}`, 'secretAccessKey=[redacted]'],
    ['a secret key in JSON', `{"secretAccessKey":"${SECRET}"}`, '{"secretAccessKey":"[redacted]"}'],
    [
      'a secret key quoted in a JSON string',
      `{"msg":"secretAccessKey: \\"${SECRET}\\""}`,
      '{"msg":"secretAccessKey: \\"[redacted]\\""}',
    ],
    ['a credentials-file line', `aws_secret_access_key = ${SECRET}`, 'aws_secret_access_key = [redacted]'],
    [
      'a session token in text',
      'sessionToken=IQoJb3JpZ2luX2VjEJr//////////wEaCXVz',
      'sessionToken=[redacted]',
    ],
  ])('masks %s', (_name, text, expected) => {
    expect(scrubSecrets(text)).toBe(expected);
  });

  it.each([
    ['an account id', 'account 123456789012 in eu-west-1'],
    ['a quota code', 'ec2/L-1216C47A at 0.93'],
    ['a word that starts like a key id', 'AKIA is the prefix of long-term keys'],
    ['a short value after a secret name', 'secretAccessKey=short'],
    ['a redacted value', `secretAccessKey=${REDACTED}`],
  ])('leaves %s alone', (_name, text) => {
    expect(scrubSecrets(text)).toBe(text);
  });
});

describe('REDACT_PATHS', () => {
  it('redacts secret keys at the top level and one and two levels down, not deeper', () => {
    const lines: string[] = [];
    const logger = pino(
      { redact: { paths: [...REDACT_PATHS], censor: REDACTED } },
      { write: (line: string) => lines.push(line) },
    );
    logger.info({
      password: 'p0',
      a: { token: 't1', 'x-amz-security-token': 'x1', b: { Authorization: 'a2', c: { sessionToken: 's3' } } },
    });
    const entry = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
    expect(entry).toMatchObject({
      password: REDACTED,
      a: {
        token: REDACTED,
        'x-amz-security-token': REDACTED,
        b: { Authorization: REDACTED, c: { sessionToken: 's3' } },
      },
    });
  });
});
