/**
 * AWS errors as the sandbox raises them. One error can have two spellings: the JSON protocols
 * read `code` from `__type`, the query protocols read `queryCode` from <Code> (CloudWatch, which
 * speaks both, sends the query spelling in `x-amzn-query-error` beside the JSON one).
 */
export interface AwsErrorOptions {
  /** The code in the query protocols, when it differs from the JSON shape name. */
  queryCode?: string;
  /** `Message` (most JSON services) or `message` (CloudWatch, Support, SNS, STS). */
  messageKey?: 'Message' | 'message';
  /** Extra members of the error shape, e.g. Organizations' `Type`. */
  extra?: Record<string, string>;
  /** Extra response headers, e.g. `Retry-After`. */
  headers?: Record<string, string>;
}

export class AwsError extends Error {
  readonly queryCode: string;
  readonly messageKey: 'Message' | 'message';
  readonly extra: Record<string, string>;
  readonly headers: Record<string, string>;
  /** The JSON protocols' error name (`__type`). */
  readonly code: string;
  readonly status: number;

  constructor(code: string, message: string, status = 400, options: AwsErrorOptions = {}) {
    super(message);
    this.name = code;
    this.code = code;
    this.status = status;
    this.queryCode = options.queryCode ?? code;
    this.messageKey = options.messageKey ?? 'Message';
    this.extra = options.extra ?? {};
    this.headers = options.headers ?? {};
  }

  /** Sender for client faults, Receiver for server faults, as the query protocols say. */
  get fault(): 'Sender' | 'Receiver' {
    return this.status >= 500 ? 'Receiver' : 'Sender';
  }
}

/**
 * The errors every service answers in its own words: input that does not validate, throttling,
 * a call IAM denies, and injected server faults. Each service names its own (see services/*).
 */
export interface ErrorDialect {
  validation(message: string): AwsError;
  serialization(message: string): AwsError;
  throttling(): AwsError;
  /** 403: the caller may not perform the action (`User: … is not authorized to perform: …`). */
  accessDenied(message: string): AwsError;
  internalFailure(): AwsError;
  serviceUnavailable(): AwsError;
}

/** The dialect of Coral-based JSON services (Service Quotas, Organizations, Support). */
export function jsonDialect(options: {
  throttling: () => AwsError;
  internalFailure: () => AwsError;
  /** Default: `AccessDeniedException`, 403, as Service Quotas and Organizations model it. */
  accessDenied?: (message: string) => AwsError;
  messageKey?: 'Message' | 'message';
}): ErrorDialect {
  const messageKey = options.messageKey ?? 'message';
  return {
    validation: (message) => new AwsError('ValidationException', message, 400, { messageKey }),
    serialization: (message) => new AwsError('SerializationException', message, 400, { messageKey }),
    throttling: options.throttling,
    accessDenied:
      options.accessDenied ??
      ((message) =>
        new AwsError('AccessDeniedException', message, 403, { messageKey, queryCode: 'AccessDenied' })),
    internalFailure: options.internalFailure,
    serviceUnavailable: () =>
      new AwsError('ServiceUnavailableException', 'Service is unavailable, please retry.', 503, {
        messageKey,
        queryCode: 'ServiceUnavailable',
      }),
  };
}

/** "Rate exceeded" as the query-family services say it (STS, CloudWatch): code Throttling, 400. */
export function rateExceeded(): AwsError {
  return new AwsError('ThrottlingException', 'Rate exceeded', 400, {
    queryCode: 'Throttling',
    messageKey: 'message',
  });
}

/** The dialect of query-protocol services (STS, SNS, and CloudWatch in both of its protocols). */
export function queryDialect(options: {
  throttling: () => AwsError;
  internalFailure: () => AwsError;
  /** Default: `AccessDenied`, 403 (STS, CloudWatch; in CloudWatch's JSON, Coral's AccessDeniedException). */
  accessDenied?: (message: string) => AwsError;
}): ErrorDialect {
  return {
    validation: (message) =>
      new AwsError('ValidationException', message, 400, {
        queryCode: 'ValidationError',
        messageKey: 'message',
      }),
    serialization: (message) =>
      new AwsError('SerializationException', message, 400, {
        queryCode: 'MalformedInput',
        messageKey: 'message',
      }),
    throttling: options.throttling,
    accessDenied:
      options.accessDenied ??
      ((message) =>
        new AwsError('AccessDeniedException', message, 403, {
          queryCode: 'AccessDenied',
          messageKey: 'message',
        })),
    internalFailure: options.internalFailure,
    serviceUnavailable: () =>
      new AwsError('ServiceUnavailableException', 'Service is unavailable, please retry.', 503, {
        queryCode: 'ServiceUnavailable',
        messageKey: 'message',
      }),
  };
}
