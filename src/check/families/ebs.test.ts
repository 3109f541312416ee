import { describe, expect, it } from 'vitest';
import { ebsFamily } from './ebs.js';
import { type Values, valueAt } from './family.js';

const unknownIn =
  (tree: Values) =>
  (path: string): boolean =>
    valueAt(tree, path) === true;
const known = () => false;

describe('aws_ebs_volume', () => {
  it('counts the size in TiB against the storage quota of its type', () => {
    const values = { availability_zone: 'eu-west-1a', size: 512, type: 'gp3', throughput: 125 };
    expect(ebsFamily.uses('aws_ebs_volume', values, known)).toEqual({
      uses: [
        {
          serviceCode: 'ebs',
          quotaCode: 'L-7A658B76',
          amount: 0.5,
          why: 'size 512 GiB = 0.5 TiB of gp3',
        },
      ],
      unknown: [],
    });
  });

  it('takes gp2 when the type is left to the provider', () => {
    const values = { availability_zone: 'eu-west-1a', size: 100 };
    expect(ebsFamily.uses('aws_ebs_volume', values, unknownIn({ type: true, iops: true })).uses).toEqual([
      {
        serviceCode: 'ebs',
        quotaCode: 'L-D18FCD1D',
        amount: 100 / 1024,
        why: 'size 100 GiB = 0.098 TiB of gp2',
      },
    ]);
  });

  it('counts provisioned IOPS of io1 and io2', () => {
    const values = { size: 2048, type: 'io2', iops: 16000 };
    expect(ebsFamily.uses('aws_ebs_volume', values, known).uses).toEqual([
      { serviceCode: 'ebs', quotaCode: 'L-09BD8365', amount: 2, why: 'size 2048 GiB = 2 TiB of io2' },
      { serviceCode: 'ebs', quotaCode: 'L-8D977E7E', amount: 16000, why: 'iops 16000 provisioned on io2' },
    ]);
  });

  it('reports a size taken from a snapshot, an unknown iops, and a type it does not know', () => {
    const values = { snapshot_id: 'snap-0123', type: 'io1' };
    expect(ebsFamily.uses('aws_ebs_volume', values, unknownIn({ size: true, iops: true }))).toEqual({
      uses: [],
      unknown: ['size', 'iops'],
    });
    expect(ebsFamily.uses('aws_ebs_volume', { size: 8, type: 'gp9' }, known).unknown).toEqual([
      'type (gp9 is not a volume type headroom knows)',
    ]);
  });
});
