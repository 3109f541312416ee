/**
 * Service Quotas' modelled errors with their HTTP statuses (client-service-quotas schemas; see
 * AWS-FACTS §1). Every one carries a single member, `Message`.
 */
import { AwsError, type ErrorDialect, jsonDialect } from '../../core/errors.js';

const error = (code: string, status: number) => (message: string) => new AwsError(code, message, status);

export const noSuchResource = error('NoSuchResourceException', 404);
export const illegalArgument = error('IllegalArgumentException', 400);
export const resourceAlreadyExists = error('ResourceAlreadyExistsException', 400);
export const quotaExceeded = error('QuotaExceededException', 409);
export const invalidResourceState = error('InvalidResourceStateException', 405);
export const accessDenied = error('AccessDeniedException', 403);
export const templatesNotAvailableInRegion = error('TemplatesNotAvailableInRegionException', 404);
export const templateNotInUse = error('ServiceQuotaTemplateNotInUseException', 400);
export const tooManyTags = error('TooManyTagsException', 400);

export const invalidPaginationToken = (): AwsError =>
  new AwsError(
    'InvalidPaginationTokenException',
    'Invalid token: the NextToken is not valid for this request.',
    400,
  );

export const unknownService = (serviceCode: string): AwsError =>
  noSuchResource(`The request failed because the specified service ${serviceCode} does not exist.`);

export const unknownQuota = (serviceCode: string, quotaCode: string): AwsError =>
  noSuchResource(
    `The request failed because the specified quota ${quotaCode} does not exist for service ${serviceCode}.`,
  );

export const serviceQuotasDialect: ErrorDialect = jsonDialect({
  throttling: () => new AwsError('TooManyRequestsException', 'Rate exceeded', 429),
  accessDenied,
  internalFailure: () => new AwsError('ServiceException', 'Something went wrong. Please retry.', 500),
});
