/** Input shapes of Service Quotas 2019-06-24 (newest npm model; see AWS-FACTS §1). */
import { boolean, double, integer, list, map, string, structure } from '../../core/shapes.js';

const serviceCode = string({ min: 1, max: 63, pattern: '[a-zA-Z][a-zA-Z0-9-]{1,63}' });
const quotaCode = string({ min: 1, max: 128, pattern: '[a-zA-Z][a-zA-Z0-9-]{1,128}' });
const requestId = string({ min: 1, max: 128, pattern: '[0-9a-zA-Z][a-zA-Z0-9-]{1,128}' });
const awsRegion = string({ min: 1, max: 64, pattern: '[a-zA-Z][a-zA-Z0-9-]{1,128}' });
const nextToken = string({ max: 2048, pattern: '^[a-zA-Z0-9/+]*={0,2}$' });
const maxResults = integer({ min: 1, max: 100 });
const appliedLevel = string({ enum: ['ACCOUNT', 'RESOURCE', 'ALL'] });
const requestStatus = string({
  enum: ['PENDING', 'CASE_OPENED', 'APPROVED', 'DENIED', 'CASE_CLOSED', 'NOT_APPROVED', 'INVALID_REQUEST'],
});
const desiredValue = double({ min: 0, max: 10_000_000_000 });
const arn = string({ min: 1, max: 1011, pattern: 'arn:aws(-[\\w]+)*:*:.+:[0-9]{12}:.+' });
const tagText = '^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$';
const tag = structure(
  {
    Key: string({ min: 1, max: 128, pattern: tagText }),
    Value: string({ min: 0, max: 256, pattern: tagText }),
  },
  ['Key', 'Value'],
);
const exclusionName = string({ min: 1, max: 128, pattern: '[A-Za-z0-9\\-_ /]{1,128}' });
const exclusionList = map(exclusionName, list(exclusionName));
const optInType = string({ enum: ['NotifyOnly', 'NotifyAndAdjust'] });

export const shapes = {
  AssociateServiceQuotaTemplate: structure({}),
  CreateSupportCase: structure({ RequestId: requestId }, ['RequestId']),
  DeleteServiceQuotaIncreaseRequestFromTemplate: structure(
    { ServiceCode: serviceCode, QuotaCode: quotaCode, AwsRegion: awsRegion },
    ['ServiceCode', 'QuotaCode', 'AwsRegion'],
  ),
  DisassociateServiceQuotaTemplate: structure({}),
  GetAWSDefaultServiceQuota: structure({ ServiceCode: serviceCode, QuotaCode: quotaCode }, [
    'ServiceCode',
    'QuotaCode',
  ]),
  GetAssociationForServiceQuotaTemplate: structure({}),
  GetAutoManagementConfiguration: structure({}),
  GetQuotaUtilizationReport: structure(
    { ReportId: requestId, NextToken: nextToken, MaxResults: integer({ min: 1, max: 1000 }) },
    ['ReportId'],
  ),
  GetRequestedServiceQuotaChange: structure({ RequestId: requestId }, ['RequestId']),
  GetServiceQuota: structure({ ServiceCode: serviceCode, QuotaCode: quotaCode, ContextId: string() }, [
    'ServiceCode',
    'QuotaCode',
  ]),
  GetServiceQuotaIncreaseRequestFromTemplate: structure(
    { ServiceCode: serviceCode, QuotaCode: quotaCode, AwsRegion: awsRegion },
    ['ServiceCode', 'QuotaCode', 'AwsRegion'],
  ),
  ListAWSDefaultServiceQuotas: structure(
    { ServiceCode: serviceCode, NextToken: nextToken, MaxResults: maxResults },
    ['ServiceCode'],
  ),
  ListRequestedServiceQuotaChangeHistory: structure({
    ServiceCode: serviceCode,
    Status: requestStatus,
    NextToken: nextToken,
    MaxResults: maxResults,
    QuotaRequestedAtLevel: appliedLevel,
  }),
  ListRequestedServiceQuotaChangeHistoryByQuota: structure(
    {
      ServiceCode: serviceCode,
      QuotaCode: quotaCode,
      Status: requestStatus,
      NextToken: nextToken,
      MaxResults: maxResults,
      QuotaRequestedAtLevel: appliedLevel,
    },
    ['ServiceCode', 'QuotaCode'],
  ),
  ListServiceQuotaIncreaseRequestsInTemplate: structure({
    ServiceCode: serviceCode,
    AwsRegion: awsRegion,
    NextToken: nextToken,
    MaxResults: maxResults,
  }),
  ListServiceQuotas: structure(
    {
      ServiceCode: serviceCode,
      NextToken: nextToken,
      MaxResults: maxResults,
      QuotaCode: quotaCode,
      QuotaAppliedAtLevel: appliedLevel,
    },
    ['ServiceCode'],
  ),
  ListServices: structure({ NextToken: nextToken, MaxResults: maxResults }),
  ListTagsForResource: structure({ ResourceARN: arn }, ['ResourceARN']),
  PutServiceQuotaIncreaseRequestIntoTemplate: structure(
    { QuotaCode: quotaCode, ServiceCode: serviceCode, AwsRegion: awsRegion, DesiredValue: desiredValue },
    ['QuotaCode', 'ServiceCode', 'AwsRegion', 'DesiredValue'],
  ),
  RequestServiceQuotaIncrease: structure(
    {
      ServiceCode: serviceCode,
      QuotaCode: quotaCode,
      DesiredValue: desiredValue,
      ContextId: string(),
      SupportCaseAllowed: boolean(),
    },
    ['ServiceCode', 'QuotaCode', 'DesiredValue'],
  ),
  StartAutoManagement: structure(
    {
      OptInLevel: string({ enum: ['ACCOUNT'] }),
      OptInType: optInType,
      NotificationArn: arn,
      ExclusionList: exclusionList,
    },
    ['OptInLevel', 'OptInType'],
  ),
  StartQuotaUtilizationReport: structure({}),
  StopAutoManagement: structure({}),
  TagResource: structure({ ResourceARN: arn, Tags: list(tag, { min: 1 }) }, ['ResourceARN', 'Tags']),
  UntagResource: structure(
    { ResourceARN: arn, TagKeys: list(string({ min: 1, max: 128, pattern: tagText })) },
    ['ResourceARN', 'TagKeys'],
  ),
  UpdateAutoManagement: structure({
    OptInType: optInType,
    NotificationArn: arn,
    ExclusionList: exclusionList,
  }),
} as const;
