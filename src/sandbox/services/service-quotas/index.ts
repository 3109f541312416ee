/**
 * Service Quotas (`servicequotas`, awsJson1_1, target prefix ServiceQuotasV20190624), with the
 * API rate quotas of the Service Quotas user guide ("Service Quotas values": rate per second and
 * the additional burst). Operations the guide gives no rate for are held to the Get* rate.
 */
import type { OperationDefinition, RateLimit, ServiceDefinition } from '../../core/service.js';
import { serviceQuotasDialect } from './errors.js';
import { handlers } from './handlers.js';
import { shapes } from './shapes.js';

const rate = (perSecond: number, burst: number): RateLimit => ({ perSecond, burst });

const RATES: Record<keyof typeof handlers, RateLimit> = {
  ListServices: rate(10, 10),
  ListServiceQuotas: rate(10, 10),
  ListAWSDefaultServiceQuotas: rate(10, 10),
  GetServiceQuota: rate(5, 5),
  GetAWSDefaultServiceQuota: rate(5, 5),
  GetRequestedServiceQuotaChange: rate(5, 5),
  ListRequestedServiceQuotaChangeHistory: rate(5, 5),
  ListRequestedServiceQuotaChangeHistoryByQuota: rate(5, 5),
  RequestServiceQuotaIncrease: rate(3, 3),
  AssociateServiceQuotaTemplate: rate(1, 1),
  DisassociateServiceQuotaTemplate: rate(1, 1),
  GetAssociationForServiceQuotaTemplate: rate(2, 2),
  PutServiceQuotaIncreaseRequestIntoTemplate: rate(1, 1),
  GetServiceQuotaIncreaseRequestFromTemplate: rate(2, 1),
  DeleteServiceQuotaIncreaseRequestFromTemplate: rate(2, 1),
  ListServiceQuotaIncreaseRequestsInTemplate: rate(2, 1),
  // Not in the guide's table: assumed at the Get* rate.
  CreateSupportCase: rate(5, 5),
  ListTagsForResource: rate(5, 5),
  TagResource: rate(5, 5),
  UntagResource: rate(5, 5),
  StartQuotaUtilizationReport: rate(5, 5),
  GetQuotaUtilizationReport: rate(5, 5),
  StartAutoManagement: rate(5, 5),
  StopAutoManagement: rate(5, 5),
  UpdateAutoManagement: rate(5, 5),
  GetAutoManagementConfiguration: rate(5, 5),
};

const operations = Object.fromEntries(
  (Object.keys(handlers) as (keyof typeof handlers)[]).map((name): [string, OperationDefinition] => [
    name,
    { input: shapes[name], handler: handlers[name], rate: RATES[name] },
  ]),
);

export const serviceQuotas: ServiceDefinition = {
  signingName: 'servicequotas',
  json: { version: '1.1', targetPrefix: 'ServiceQuotasV20190624', queryCompatible: false },
  dialect: serviceQuotasDialect,
  operations,
};
