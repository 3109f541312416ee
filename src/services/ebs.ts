/**
 * EBS: storage (TiB) and provisioned IOPS per volume type, snapshots per Region, and archived
 * snapshots per volume. The describe calls are EC2's.
 */
import { paginateDescribeSnapshots, paginateDescribeVolumes } from '@aws-sdk/client-ec2';
import type { UsageCount, UsageCounter } from './service.js';

/** The storage quota (TiB) of each volume type, and the IOPS quota of the provisioned-IOPS ones. */
const VOLUME_QUOTAS: Readonly<Record<string, { storage: string; iops?: string; name: string }>> = {
  gp2: { storage: 'L-D18FCD1D', name: 'General Purpose SSD (gp2)' },
  gp3: { storage: 'L-7A658B76', name: 'General Purpose SSD (gp3)' },
  io1: { storage: 'L-FD252861', iops: 'L-B3A130E6', name: 'Provisioned IOPS SSD (io1)' },
  io2: { storage: 'L-09BD8365', iops: 'L-8D977E7E', name: 'Provisioned IOPS SSD (io2)' },
  st1: { storage: 'L-82ACEF56', name: 'Throughput Optimized HDD (st1)' },
  sc1: { storage: 'L-17AF77E8', name: 'Cold HDD (sc1)' },
  standard: { storage: 'L-9CF3C2EB', name: 'Magnetic (standard)' },
};

const SNAPSHOTS_PER_REGION = 'L-309BACF6';
const ARCHIVED_SNAPSHOTS_PER_VOLUME = 'L-E20676C1';
const GIB_PER_TIB = 1024;

export const ebsCounter: UsageCounter = {
  serviceCode: 'ebs',
  global: false,
  quotas: [
    ...Object.values(VOLUME_QUOTAS).flatMap((q) => [
      { quotaCode: q.storage, counts: `TiB of ${q.name} volumes` },
      ...(q.iops === undefined
        ? []
        : [{ quotaCode: q.iops, counts: `provisioned IOPS of ${q.name} volumes` }]),
    ]),
    { quotaCode: SNAPSHOTS_PER_REGION, counts: 'snapshots the account owns' },
    {
      quotaCode: ARCHIVED_SNAPSHOTS_PER_VOLUME,
      counts: 'archived snapshots of each volume',
      perResource: true,
    },
  ],
  iamActions: ['ec2:DescribeVolumes', 'ec2:DescribeSnapshots'],
  async findUsage({ target, session, quotas }) {
    const client = session.ec2(target);
    const has = new Set(quotas.map((q) => q.quotaCode));
    const counts: UsageCount[] = [];
    const volumeQuotas = Object.values(VOLUME_QUOTAS).flatMap((q) => [q.storage, q.iops ?? '']);

    if (volumeQuotas.some((code) => has.has(code))) {
      const gib = new Map<string, number>();
      const iops = new Map<string, number>();
      for await (const page of paginateDescribeVolumes({ client, pageSize: 500 }, {})) {
        for (const volume of page.Volumes ?? []) {
          const type = volume.VolumeType ?? 'standard';
          gib.set(type, (gib.get(type) ?? 0) + (volume.Size ?? 0));
          iops.set(type, (iops.get(type) ?? 0) + (volume.Iops ?? 0));
        }
      }
      for (const [type, q] of Object.entries(VOLUME_QUOTAS)) {
        if (has.has(q.storage))
          counts.push({ quotaCode: q.storage, value: (gib.get(type) ?? 0) / GIB_PER_TIB });
        if (q.iops !== undefined && has.has(q.iops))
          counts.push({ quotaCode: q.iops, value: iops.get(type) ?? 0 });
      }
    }

    if (has.has(SNAPSHOTS_PER_REGION) || has.has(ARCHIVED_SNAPSHOTS_PER_VOLUME)) {
      let snapshots = 0;
      const archived = new Map<string, number>();
      for await (const page of paginateDescribeSnapshots(
        { client, pageSize: 1000 },
        { OwnerIds: ['self'] },
      )) {
        for (const snapshot of page.Snapshots ?? []) {
          snapshots++;
          if (snapshot.StorageTier === 'archive' && snapshot.VolumeId !== undefined) {
            archived.set(snapshot.VolumeId, (archived.get(snapshot.VolumeId) ?? 0) + 1);
          }
        }
      }
      if (has.has(SNAPSHOTS_PER_REGION)) counts.push({ quotaCode: SNAPSHOTS_PER_REGION, value: snapshots });
      if (has.has(ARCHIVED_SNAPSHOTS_PER_VOLUME)) {
        for (const [volumeId, count] of archived) {
          counts.push({ quotaCode: ARCHIVED_SNAPSHOTS_PER_VOLUME, value: count, resource: volumeId });
        }
      }
    }
    return counts;
  },
};
