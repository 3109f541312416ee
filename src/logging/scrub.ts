/**
 * Keeping secrets out of logs, twice over: pino's `redact` replaces the values of secret-named
 * keys in logged objects, and `scrubSecrets` masks what looks like a credential anywhere in a
 * written line (a message, a URL, an error, a key nested deeper than `redact` looks).
 */

export const REDACTED = '[redacted]';

/** Keys whose values are never logged, at the top level and one or two levels down. */
export const SECRET_KEYS = [
  'secretAccessKey',
  'SecretAccessKey',
  'sessionToken',
  'SessionToken',
  'credentials',
  'Credentials',
  'authorization',
  'Authorization',
  'x-amz-security-token',
  'X-Amz-Security-Token',
  'password',
  'token',
] as const;

/** pino `redact.paths` for SECRET_KEYS: `key`, `*.key`, `*.*.key` (bracketed when not an identifier). */
export const REDACT_PATHS: readonly string[] = SECRET_KEYS.flatMap((key) => {
  const identifier = /^[A-Za-z_$][\w$]*$/.test(key);
  const step = identifier ? `.${key}` : `["${key}"]`;
  return [identifier ? key : step, `*${step}`, `*.*${step}`];
});

const SCRUBS: readonly (readonly [RegExp, string])[] = [
  // Access key ids: long-term (AKIA) and temporary (ASIA).
  [/\b(AKIA|ASIA)[A-Z0-9]{16}\b/g, `$1${REDACTED}`],
  // SigV4 signatures: `Signature=` in an Authorization header, `X-Amz-Signature=` in a presigned URL.
  [/((?:X-Amz-)?Signature=)[0-9a-f]{16,}/gi, `$1${REDACTED}`],
  // A session token in a presigned URL's query.
  [/(X-Amz-Security-Token=)[^&\s"'\\]+/gi, `$1${REDACTED}`],
  // A secret key or session token after its name: `secretAccessKey=…`, `"sessionToken":"…"`,
  // `aws_secret_access_key = …` (in a JSON line the quotes around the value may be escaped).
  [
    /((?:secret_?access_?key|session_?token)\\?["']?\s*[:=]\s*\\?["']?)[A-Za-z0-9/+=]{16,}/gi,
    `$1${REDACTED}`,
  ],
];

/**
 * `text` with every credential-looking value masked.
 *
 * @example
 * scrubSecrets('key AKIAIOSFODNN7EXAMPLE'); // 'key AKIA[redacted]'
 */
export function scrubSecrets(text: string): string {
  let scrubbed = text;
  for (const [pattern, replacement] of SCRUBS) scrubbed = scrubbed.replace(pattern, replacement);
  return scrubbed;
}
