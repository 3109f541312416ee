/**
 * EBS volumes: a volume's size against the storage quota of its type, in TiB (the plan gives
 * GiB), and an io1 or io2 volume's provisioned IOPS against that type's IOPS quota. type is
 * computed by the provider when the configuration leaves it out, so unknown reads as the
 * default, gp2. Volumes an instance creates itself (root_block_device, ebs_block_device) are not
 * counted: their size usually comes from the AMI, which the plan does not show.
 */
import type { QuotaUse, ResourceUse } from '../types.js';
import { type DeclaredFamily, type QuotaRef, attributesOf, use } from './family.js';

const ebs = (quotaCode: `L-${string}`, name: string): QuotaRef => ({ serviceCode: 'ebs', quotaCode, name });

const STORAGE: Readonly<Record<string, QuotaRef>> = {
  gp2: ebs('L-D18FCD1D', 'Storage for General Purpose SSD (gp2) volumes, in TiB'),
  gp3: ebs('L-7A658B76', 'Storage for General Purpose SSD (gp3) volumes, in TiB'),
  io1: ebs('L-FD252861', 'Storage for Provisioned IOPS SSD (io1) volumes, in TiB'),
  io2: ebs('L-09BD8365', 'Storage for Provisioned IOPS SSD (io2) volumes, in TiB'),
  st1: ebs('L-82ACEF56', 'Storage for Throughput Optimized HDD (st1) volumes, in TiB'),
  sc1: ebs('L-17AF77E8', 'Storage for Cold HDD (sc1) volumes, in TiB'),
  standard: ebs('L-9CF3C2EB', 'Storage for Magnetic (standard) volumes, in TiB'),
};

const IOPS: Readonly<Record<string, QuotaRef>> = {
  io1: ebs('L-B3A130E6', 'IOPS for Provisioned IOPS SSD (io1) volumes'),
  io2: ebs('L-8D977E7E', 'IOPS for Provisioned IOPS SSD (io2) volumes'),
};

const GIB_PER_TIB = 1024;

export const ebsFamily: DeclaredFamily = {
  name: 'ebs',
  types: ['aws_ebs_volume'],
  quotas: [...Object.values(STORAGE), ...Object.values(IOPS)],
  uses(_type, values, unknownOf): ResourceUse {
    const a = attributesOf(values, unknownOf);
    const volumeType = a.string('type') ?? 'gp2';
    const storage = STORAGE[volumeType];
    if (storage === undefined)
      return { uses: [], unknown: [`type (${volumeType} is not a volume type headroom knows)`] };

    const uses: QuotaUse[] = [];
    const unknown: string[] = [];
    const size = a.number('size');
    if (size === undefined) unknown.push('size');
    else {
      const tib = size / GIB_PER_TIB;
      uses.push(use(storage, tib, `size ${size} GiB = ${Number(tib.toFixed(3))} TiB of ${volumeType}`));
    }
    const iopsQuota = IOPS[volumeType];
    if (iopsQuota !== undefined) {
      const iops = a.number('iops');
      if (iops === undefined) unknown.push('iops');
      else uses.push(use(iopsQuota, iops, `iops ${iops} provisioned on ${volumeType}`));
    }
    return { uses, unknown };
  },
};
