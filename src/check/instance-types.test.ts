import { describe, expect, it } from 'vitest';
import { familyQuotaOf, vcpusOf, whyNoQuota } from './instance-types.js';

describe('vcpusOf', () => {
  // Each from the type's EC2 specification page (default vCPUs).
  it.each([
    ['t2.nano', 1],
    ['t2.micro', 1],
    ['t2.small', 1],
    ['t2.medium', 2],
    ['t2.2xlarge', 8],
    ['t3.nano', 2],
    ['t3.micro', 2],
    ['t3.medium', 2],
    ['t3.xlarge', 4],
    ['t3a.large', 2],
    ['t4g.micro', 2],
    ['t4g.2xlarge', 8],
    ['a1.medium', 1],
    ['a1.metal', 16],
    ['m5.large', 2],
    ['m5.xlarge', 4],
    ['m5.24xlarge', 96],
    ['m5.metal', 96],
    ['m6i.32xlarge', 128],
    ['m7i.48xlarge', 192],
    ['m7i.metal-24xl', 96],
    ['m7i-flex.large', 2],
    ['m7g.medium', 1],
    ['m7g.16xlarge', 64],
    ['m7a.medium', 1],
    ['c4.8xlarge', 36],
    ['c5.9xlarge', 36],
    ['c5.18xlarge', 72],
    ['c5n.metal', 72],
    ['c6i.large', 2],
    ['c7g.medium', 1],
    ['c7g.metal', 64],
    ['r5.4xlarge', 16],
    ['r6i.metal', 128],
    ['r7g.8xlarge', 32],
    ['i3.large', 2],
    ['i3.metal', 72],
    ['i4i.32xlarge', 128],
    ['d2.8xlarge', 36],
    ['z1d.12xlarge', 48],
    ['g4dn.xlarge', 4],
    ['g4dn.metal', 96],
    ['g5.48xlarge', 192],
    ['vt1.3xlarge', 12],
    ['f1.16xlarge', 64],
    ['p3.2xlarge', 8],
    ['p3.16xlarge', 64],
    ['p4d.24xlarge', 96],
    ['p5.48xlarge', 192],
    ['x1.32xlarge', 128],
    ['x1e.xlarge', 4],
    ['x2idn.16xlarge', 64],
    ['x2idn.metal', 128],
    ['inf1.xlarge', 4],
    ['inf1.6xlarge', 24],
    ['inf2.48xlarge', 192],
    ['trn1.2xlarge', 8],
    ['trn1.32xlarge', 128],
    ['dl1.24xlarge', 96],
    ['hpc6a.48xlarge', 96],
    ['hpc7g.4xlarge', 16],
    ['hpc7g.16xlarge', 64],
    ['u-3tb1.56xlarge', 224],
    ['u-6tb1.112xlarge', 448],
    ['u-12tb1.metal', 448],
    ['u7i-12tb.224xlarge', 896],
  ])('%s has %i vCPUs', (type, vcpus) => {
    expect(vcpusOf(type)).toBe(vcpus);
  });

  it.each([
    'xx.huge',
    'm5.huge',
    'm5',
    '',
    'm5.large.extra',
    'm5.0xlarge',
    'm5.nano',
    'm5.medium',
    'm5a.metal',
    'hpc6a.large',
    'mac1.large',
    'm5.metal-xl',
  ])('%j is not an instance type headroom knows', (type) => {
    expect(vcpusOf(type)).toBeNull();
  });
});

describe('familyQuotaOf', () => {
  it.each([
    ['t3.micro', 'L-1216C47A'],
    ['m7i-flex.large', 'L-1216C47A'],
    ['i4i.large', 'L-1216C47A'],
    ['im4gn.large', 'L-1216C47A'],
    ['z1d.large', 'L-1216C47A'],
    ['d3en.xlarge', 'L-1216C47A'],
    ['h1.2xlarge', 'L-1216C47A'],
    ['f1.2xlarge', 'L-74FC7D96'],
    ['g5.xlarge', 'L-DB2E81BA'],
    ['vt1.3xlarge', 'L-DB2E81BA'],
    ['inf2.xlarge', 'L-1945791B'],
    ['p4d.24xlarge', 'L-417A185B'],
    ['x2idn.16xlarge', 'L-7295265B'],
    ['dl1.24xlarge', 'L-6E869C2A'],
    ['trn1.2xlarge', 'L-2C3B7624'],
    ['hpc7g.4xlarge', 'L-F7808C92'],
    ['u-6tb1.112xlarge', 'L-43DA4232'],
  ])('On-Demand %s counts against %s', (type, quotaCode) => {
    expect(familyQuotaOf(type, 'on-demand')?.quotaCode).toBe(quotaCode);
  });

  it.each([
    ['m5.large', 'L-34B43A08'],
    ['g4dn.xlarge', 'L-3819A6DF'],
    ['p3.2xlarge', 'L-7212CCBC'],
    ['p4d.24xlarge', 'L-7212CCBC'],
    ['p5.48xlarge', 'L-C4BD4855'],
    ['x1e.xlarge', 'L-E3A00192'],
    ['trn1.2xlarge', 'L-6B0D517C'],
  ])('Spot %s counts against %s', (type, quotaCode) => {
    expect(familyQuotaOf(type, 'spot')?.quotaCode).toBe(quotaCode);
  });

  it('names the quota as the catalog does', () => {
    expect(familyQuotaOf('m5.large', 'on-demand')).toEqual({
      serviceCode: 'ec2',
      quotaCode: 'L-1216C47A',
      name: 'Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances',
    });
  });

  it('has none for unknown types, Mac, and Spot of families without Spot', () => {
    expect(familyQuotaOf('xx.huge', 'on-demand')).toBeNull();
    expect(familyQuotaOf('mac1.metal', 'on-demand')).toBeNull();
    expect(familyQuotaOf('hpc7g.4xlarge', 'spot')).toBeNull();
    expect(familyQuotaOf('u-6tb1.112xlarge', 'spot')).toBeNull();
    expect(whyNoQuota('xx.huge', 'on-demand')).toBe('xx.huge is not an instance type headroom knows');
    expect(whyNoQuota('mac1.metal', 'on-demand')).toBe(
      'mac1.metal runs on a Dedicated Host, not under a vCPU quota',
    );
    expect(whyNoQuota('hpc7g.4xlarge', 'spot')).toBe('hpc7g.4xlarge has no Spot vCPU quota headroom knows');
  });
});
