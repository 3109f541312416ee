import { describe, expect, it } from 'vitest';
import { errorName, isAccessDenied, isRetryable, isThrottling, toAwsError } from './errors.js';

const sdkError = (name: string, status: number, message = 'boom') =>
  Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status, requestId: 'req-1' } });

const site = {
  action: 'servicequotas:ListServiceQuotas',
  where: '123456789012:us-east-1',
  endpoint: 'http://127.0.0.1:9',
};

describe('classifying SDK errors', () => {
  it.each([
    ['TooManyRequestsException', 429, { throttling: true, retryable: true, denied: false }],
    ['ThrottlingException', 400, { throttling: true, retryable: true, denied: false }],
    ['ServiceException', 500, { throttling: false, retryable: true, denied: false }],
    ['ServiceUnavailable', 503, { throttling: false, retryable: true, denied: false }],
    ['AccessDeniedException', 403, { throttling: false, retryable: false, denied: true }],
    ['NoSuchResourceException', 404, { throttling: false, retryable: false, denied: false }],
    ['IllegalArgumentException', 400, { throttling: false, retryable: false, denied: false }],
  ])('%s (%i)', (name, status, expected) => {
    const error = sdkError(name, status);
    expect({
      throttling: isThrottling(error),
      retryable: isRetryable(error),
      denied: isAccessDenied(error),
    }).toEqual(expected);
  });

  it('finds a network code under causes', () => {
    const error = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
    expect(errorName(new Error('wrapped', { cause: error }))).toBe('ECONNREFUSED');
    expect(isRetryable(error)).toBe(true);
  });
});

describe('toAwsError', () => {
  it.each([
    [
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      'HR_AWS_UNREACHABLE',
      'http://127.0.0.1:9',
    ],
    [
      sdkError('AccessDeniedException', 403, 'User: x is not authorized'),
      'HR_AWS_ACCESS_DENIED',
      'servicequotas:ListServiceQuotas',
    ],
    [
      sdkError('UnrecognizedClientException', 400, 'The security token is invalid'),
      'HR_AWS_CREDENTIALS',
      'refused',
    ],
    [sdkError('TooManyRequestsException', 429), 'HR_AWS_THROTTLED', 'throttled'],
    [sdkError('NoSuchResourceException', 404, 'nope'), 'HR_AWS_FAILED', 'NoSuchResourceException: nope'],
  ])('gives %s one line with code %s', (error, code, mention) => {
    const converted = toAwsError(error, site);
    expect(converted.code).toBe(code);
    expect(converted.message).toContain(mention);
    expect(converted.message).not.toContain('\n');
    expect(converted.hint).toBeTruthy();
  });

  it('names the IAM action to allow for access denied', () => {
    expect(toAwsError(sdkError('AccessDeniedException', 403), site).hint).toContain(
      'allow servicequotas:ListServiceQuotas',
    );
  });

  it('names the action AWS refused when it is another than the call (a role that cannot be assumed)', () => {
    const denied = (message: string) => Object.assign(sdkError('AccessDenied', 403), { message });
    expect(
      toAwsError(
        denied(
          'User: arn:aws:iam::1:user/a is not authorized to perform: ec2:DescribeVolumes on resource: *',
        ),
        site,
      ).hint,
    ).toContain('allow ec2:DescribeVolumes');
    expect(
      toAwsError(
        denied(
          'User: arn:aws:iam::1:user/a is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::2:role/r',
        ),
        site,
      ).hint,
    ).toBe('let the base identity assume that role, and the role trust it (README, "IAM permissions")');
  });
});
