/**
 * Every resource family `headroom check` knows, listed explicitly (no import side effects):
 * src/check/families/<family>.ts. A resource type belongs to at most one family.
 */
import { autoscalingFamily } from './autoscaling.js';
import { cloudfrontFamily } from './cloudfront.js';
import { dynamodbFamily } from './dynamodb.js';
import { ebsFamily } from './ebs.js';
import { ec2InstancesFamily } from './ec2-instances.js';
import { eipFamily } from './eip.js';
import { eksFamily } from './eks.js';
import { elasticacheFamily } from './elasticache.js';
import { elbFamily } from './elb.js';
import type { DeclaredFamily } from './family.js';
import { lambdaFamily } from './lambda.js';
import { rdsFamily } from './rds.js';
import { route53Family } from './route53.js';
import { sqsFamily } from './sqs.js';
import { vpcFamily } from './vpc.js';

export type { DeclaredFamily, QuotaRef, ReferenceLookup } from './family.js';

/** Each family is a ResourceFamily that also lists its quotas. */
export const FAMILIES: readonly DeclaredFamily[] = [
  ec2InstancesFamily,
  autoscalingFamily,
  eksFamily,
  eipFamily,
  vpcFamily,
  elbFamily,
  rdsFamily,
  elasticacheFamily,
  lambdaFamily,
  ebsFamily,
  route53Family,
  cloudfrontFamily,
  sqsFamily,
  dynamodbFamily,
];

const BY_TYPE: ReadonlyMap<string, DeclaredFamily> = new Map(
  FAMILIES.flatMap((family) => family.types.map((type): [string, DeclaredFamily] => [type, family])),
);

/** The family that knows a Terraform resource type, or undefined. */
export function familyOf(type: string): DeclaredFamily | undefined {
  return BY_TYPE.get(type);
}
