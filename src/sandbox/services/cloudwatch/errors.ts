/**
 * CloudWatch's errors in both of its protocols: the JSON shape name and, for the query protocol
 * and the `x-amzn-query-error` header, the query code (client-cloudwatch schemas, awsQueryError).
 */
import { AwsError, type ErrorDialect, queryDialect, rateExceeded } from '../../core/errors.js';

export const cloudWatchDialect: ErrorDialect = queryDialect({
  throttling: rateExceeded,
  internalFailure: () =>
    new AwsError('InternalServiceFault', 'Internal service error.', 500, {
      queryCode: 'InternalServiceError',
    }),
});

export const validationError = (message: string): AwsError => cloudWatchDialect.validation(message);

export const invalidParameterValue = (message: string): AwsError =>
  new AwsError('InvalidParameterValueException', message, 400, {
    queryCode: 'InvalidParameterValue',
    messageKey: 'message',
  });

export const invalidNextToken = (): AwsError =>
  new AwsError('InvalidNextToken', 'The service returned an invalid NextToken.', 400, {
    messageKey: 'message',
  });
