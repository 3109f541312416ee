/**
 * Reading what the SDK throws: is it throttling, a transient fault, access denied, an unreachable
 * endpoint, bad credentials? And turning it into one line a person can act on.
 */
import { AwsError } from '../domain/errors.js';

interface SdkErrorLike {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  $metadata?: { httpStatusCode?: number; attempts?: number; requestId?: string };
  $retryable?: { throttling?: boolean };
  cause?: unknown;
}

const THROTTLING = new Set([
  'ThrottlingException',
  'TooManyRequestsException',
  'Throttling',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'ThrottledException',
  'SlowDown',
  'LimitExceededException',
  'EC2ThrottledException',
]);

const ACCESS_DENIED = new Set([
  'AccessDeniedException',
  'AccessDenied',
  'UnauthorizedOperation',
  'DependencyAccessDeniedException',
  'AWSServiceAccessNotEnabledException',
]);

const BAD_CREDENTIALS = new Set([
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidSignatureException',
  'CredentialsProviderError',
]);

const NETWORK = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
]);

function fields(error: unknown): SdkErrorLike {
  return typeof error === 'object' && error !== null ? error : {};
}

/** AWS's error name (`AccessDeniedException`), or a network code (`ECONNREFUSED`), or `Error`. */
export function errorName(error: unknown): string {
  const e = fields(error);
  const network = networkCode(error);
  if (network !== undefined) return network;
  return typeof e.name === 'string' && e.name !== '' ? e.name : 'Error';
}

export function errorMessage(error: unknown): string {
  const message = fields(error).message;
  return (typeof message === 'string' ? message : String(error)).split('\n')[0] ?? '';
}

function networkCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current !== undefined; depth++) {
    const e = fields(current);
    if (typeof e.code === 'string' && NETWORK.has(e.code)) return e.code;
    if (e.name === 'TimeoutError') return 'ETIMEDOUT';
    current = e.cause;
  }
  // AggregateError (happy eyeballs) keeps the codes in `errors`.
  const errors = (error as { errors?: unknown[] } | null)?.errors;
  if (Array.isArray(errors)) for (const inner of errors) if (networkCode(inner)) return networkCode(inner);
  return undefined;
}

export function isThrottling(error: unknown): boolean {
  const e = fields(error);
  return (
    e.$metadata?.httpStatusCode === 429 ||
    e.$retryable?.throttling === true ||
    (typeof e.name === 'string' && THROTTLING.has(e.name))
  );
}

/** Worth trying again later: throttling, a 5xx, or the network. */
export function isRetryable(error: unknown): boolean {
  const status = fields(error).$metadata?.httpStatusCode;
  return isThrottling(error) || (status !== undefined && status >= 500) || networkCode(error) !== undefined;
}

export function isAccessDenied(error: unknown): boolean {
  const e = fields(error);
  return typeof e.name === 'string' && ACCESS_DENIED.has(e.name);
}

export function isUnreachable(error: unknown): boolean {
  return networkCode(error) !== undefined;
}

export function isBadCredentials(error: unknown): boolean {
  const e = fields(error);
  return typeof e.name === 'string' && BAD_CREDENTIALS.has(e.name);
}

export function requestIdOf(error: unknown): string | undefined {
  return fields(error).$metadata?.requestId;
}

export interface CallSite {
  /** IAM action, e.g. `servicequotas:ListServiceQuotas`. */
  readonly action: string;
  /** `123456789012:us-east-1` or an account id. */
  readonly where: string;
  readonly endpoint: string | undefined;
}

/** One line naming the cause and the fix, as an AwsError the CLI prints. */
export function toAwsError(error: unknown, site: CallSite): AwsError {
  if (error instanceof AwsError) return error;
  const name = errorName(error);
  const message = errorMessage(error);
  if (isUnreachable(error)) {
    return new AwsError(
      'HR_AWS_UNREACHABLE',
      `cannot reach AWS at ${site.endpoint ?? 'its public endpoint'} for ${site.action} (${name})`,
      {
        hint: 'check aws.endpoint in headroom.yaml or AWS_ENDPOINT_URL, and that the endpoint is up',
        cause: error,
      },
    );
  }
  if (isAccessDenied(error)) {
    // AWS names the action it refused; it may be another than the call's (AssumeRole into the
    // account, refused before the call could be made).
    const named = /not authorized to perform:? ([a-z0-9-]+:[A-Za-z0-9]+)/.exec(message)?.[1];
    const refused = named === undefined || site.action.startsWith(named) ? site.action : named;
    const hint =
      refused === 'sts:AssumeRole'
        ? 'let the base identity assume that role, and the role trust it (README, "IAM permissions")'
        : `allow ${refused} for the identity headroom uses there (README, "IAM permissions")`;
    return new AwsError('HR_AWS_ACCESS_DENIED', `${name} on ${site.action} in ${site.where}: ${message}`, {
      hint,
      cause: error,
    });
  }
  if (isBadCredentials(error)) {
    return new AwsError(
      'HR_AWS_CREDENTIALS',
      `the credentials for ${site.where} were refused (${name}: ${message})`,
      {
        hint: 'refresh them (aws sso login, new keys) or pick another profile with aws.profile / HEADROOM_PROFILE',
        cause: error,
      },
    );
  }
  if (isThrottling(error)) {
    return new AwsError(
      'HR_AWS_THROTTLED',
      `${site.action} in ${site.where} stayed throttled after retries`,
      {
        hint: 'lower aws.maxConcurrency, raise aws.maxAttempts, or run again later',
        cause: error,
      },
    );
  }
  return new AwsError('HR_AWS_FAILED', `${site.action} in ${site.where} failed: ${name}: ${message}`, {
    hint: 'run again; if it persists, look at the log file in $HEADROOM_HOME/logs for the request id',
    cause: error,
  });
}

/** A failure as one line, the fix after a semicolon, as the CLI prints errors. */
export function problemLine(error: unknown, site: CallSite): string {
  const converted = toAwsError(error, site);
  return `${converted.message}${converted.hint === undefined ? '' : `; ${converted.hint}`}`;
}

/** A failure as a snapshot records it: AWS's error name, the one-line message and the fix. */
export function describeFailure(
  error: unknown,
  site: CallSite,
): { code: string; message: string; hint: string | undefined } {
  const converted = toAwsError(error, site);
  return { code: errorName(error), message: converted.message, hint: converted.hint };
}

/** The headroom code for an AWS error name (as a snapshot records it). */
export function headroomCodeFor(name: string): `HR_AWS_${string}` {
  if (NETWORK.has(name)) return 'HR_AWS_UNREACHABLE';
  if (ACCESS_DENIED.has(name)) return 'HR_AWS_ACCESS_DENIED';
  if (BAD_CREDENTIALS.has(name)) return 'HR_AWS_CREDENTIALS';
  if (THROTTLING.has(name)) return 'HR_AWS_THROTTLED';
  return 'HR_AWS_FAILED';
}
