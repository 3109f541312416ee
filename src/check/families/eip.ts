/**
 * Elastic IP addresses: each counts against "EC2-VPC Elastic IPs". EC2-Classic is retired, so
 * every address is a VPC address, whatever the provider's older `vpc` argument says.
 */
import type { ResourceUse } from '../types.js';
import { type DeclaredFamily, type QuotaRef, one } from './family.js';

const VPC_ELASTIC_IPS: QuotaRef = {
  serviceCode: 'ec2',
  quotaCode: 'L-0263D0A3',
  name: 'EC2-VPC Elastic IPs',
};

export const eipFamily: DeclaredFamily = {
  name: 'eip',
  types: ['aws_eip'],
  quotas: [VPC_ELASTIC_IPS],
  uses(): ResourceUse {
    return one(VPC_ELASTIC_IPS, 'one Elastic IP address');
  },
};
