/**
 * EC2 instance types for `headroom check`, which reads a plan file offline: the vCPUs of a type
 * and the vCPU quota it counts against. A table of families and a size rule rather than a copy
 * of DescribeInstanceTypes (the live counter in src/services/ec2.ts asks AWS instead).
 *
 * The size rule: large 2 vCPUs, xlarge 4, Nxlarge 4N, metal-Nxl 4N. The table holds what the
 * rule gets wrong: the small sizes (nano to medium), each family's plain `metal`, a few odd
 * sizes (c4.8xlarge has 36), and the HPC families, whose sizes follow no rule. Anything outside
 * the table is null, so an unknown type is reported as unknown and never counted as 0 vCPUs.
 * Sizes are not checked against each family's real list: m5.5xlarge would pass as 20 vCPUs.
 */
import type { QuotaRef } from './families/family.js';

export type Market = 'on-demand' | 'spot';

/** A market as AWS writes it in prose: On-Demand, Spot. */
export const MARKET_NAMES: Readonly<Record<Market, string>> = { 'on-demand': 'On-Demand', spot: 'Spot' };

/** The quota groups of EC2's vCPU quotas (the letters in their names), plus Mac, which has none. */
type Group = 'standard' | 'f' | 'g-vt' | 'inf' | 'p' | 'x' | 'dl' | 'trn' | 'hpc' | 'high-memory' | 'mac';

const ec2 = (quotaCode: `L-${string}`, name: string): QuotaRef => ({ serviceCode: 'ec2', quotaCode, name });

const ON_DEMAND: Readonly<Record<Exclude<Group, 'mac'>, QuotaRef>> = {
  standard: ec2('L-1216C47A', 'Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances'),
  f: ec2('L-74FC7D96', 'Running On-Demand F instances'),
  'g-vt': ec2('L-DB2E81BA', 'Running On-Demand G and VT instances'),
  inf: ec2('L-1945791B', 'Running On-Demand Inf instances'),
  p: ec2('L-417A185B', 'Running On-Demand P instances'),
  x: ec2('L-7295265B', 'Running On-Demand X instances'),
  dl: ec2('L-6E869C2A', 'Running On-Demand DL instances'),
  trn: ec2('L-2C3B7624', 'Running On-Demand Trn instances'),
  hpc: ec2('L-F7808C92', 'Running On-Demand HPC instances'),
  'high-memory': ec2('L-43DA4232', 'Running On-Demand High Memory instances'),
};

/** HPC and High Memory instances cannot run as Spot; P splits by generation (P_SPOT). */
const SPOT: Readonly<Partial<Record<Group, QuotaRef>>> = {
  standard: ec2('L-34B43A08', 'All Standard (A, C, D, H, I, M, R, T, Z) Spot Instance Requests'),
  f: ec2('L-88CF9481', 'All F Spot Instance Requests'),
  'g-vt': ec2('L-3819A6DF', 'All G and VT Spot Instance Requests'),
  inf: ec2('L-B5D1601B', 'All Inf Spot Instance Requests'),
  x: ec2('L-E3A00192', 'All X Spot Instance Requests'),
  dl: ec2('L-85EED4F7', 'All DL Spot Instance Requests'),
  trn: ec2('L-6B0D517C', 'All Trn Spot Instance Requests'),
};

const P_SPOT: readonly { readonly prefix: RegExp; readonly quota: QuotaRef }[] = [
  { prefix: /^p[234]/, quota: ec2('L-7212CCBC', 'All P4, P3 and P2 Spot Instance Requests') },
  { prefix: /^p5/, quota: ec2('L-C4BD4855', 'All P5 Spot Instance Requests') },
];

/** Every vCPU quota an instance type can count against, On-Demand and Spot. */
export const VCPU_QUOTAS: readonly QuotaRef[] = [
  ...Object.values(ON_DEMAND),
  ...Object.values(SPOT),
  ...P_SPOT.map((p) => p.quota),
];

interface Family {
  readonly group: Group;
  /** vCPUs of the plain `metal` size, when the family has one. */
  readonly metal?: number;
  /** Only the sizes in EXACT: the size rule does not hold for this family. */
  readonly exactOnly?: boolean;
}

const words = (list: string): string[] => list.trim().split(/\s+/);

const GROUPS: Readonly<Record<Group, readonly string[]>> = {
  standard: words(`
    a1 t1 t2 t3 t3a t4g m1 m2 m3 m4 m5 m5a m5ad m5d m5dn m5n m5zn m6a m6g m6gd m6i m6id m6idn m6in
    m7a m7g m7gd m7i m7i-flex m8g c1 c3 c4 c5 c5a c5ad c5d c5n c6a c6g c6gd c6gn c6i c6id c6in c7a
    c7g c7gd c7gn c7i c7i-flex c8g r3 r4 r5 r5a r5ad r5b r5d r5dn r5n r6a r6g r6gd r6i r6id r6idn
    r6in r7a r7g r7gd r7i r7iz r8g i2 i3 i3en i4g i4i i7ie i8g im4gn is4gen d2 d3 d3en h1 z1d`),
  f: words('f1 f2'),
  'g-vt': words('g2 g3 g3s g4ad g4dn g5 g5g g6 g6e gr6 vt1'),
  inf: words('inf1 inf2'),
  p: words('p2 p3 p3dn p4d p4de p5 p5e p5en'),
  x: words('x1 x1e x2gd x2idn x2iedn x2iezn x8g'),
  dl: words('dl1 dl2q'),
  trn: words('trn1 trn1n trn2'),
  hpc: words('hpc6a hpc6id hpc7a hpc7g'),
  'high-memory': words(`
    u-3tb1 u-6tb1 u-9tb1 u-12tb1 u-18tb1 u-24tb1 u7i-6tb u7i-8tb u7i-12tb u7in-16tb u7in-24tb
    u7in-32tb`),
  mac: words('mac1 mac2 mac2-m2 mac2-m2pro'),
};

/** vCPUs of each family's plain `metal` size; a family not listed has none headroom knows. */
const METAL: Readonly<Record<string, number>> = {
  a1: 16,
  m5: 96,
  m5d: 96,
  m5dn: 96,
  m5n: 96,
  m5zn: 48,
  m6a: 192,
  m6g: 64,
  m6gd: 64,
  m6i: 128,
  m6id: 128,
  m6idn: 128,
  m6in: 128,
  m7g: 64,
  m7gd: 64,
  c5: 96,
  c5d: 96,
  c5n: 72,
  c6a: 192,
  c6g: 64,
  c6gd: 64,
  c6i: 128,
  c6id: 128,
  c6in: 128,
  c7g: 64,
  c7gd: 64,
  c7gn: 64,
  r5: 96,
  r5b: 96,
  r5d: 96,
  r5dn: 96,
  r5n: 96,
  r6a: 192,
  r6g: 64,
  r6gd: 64,
  r6i: 128,
  r6id: 128,
  r6idn: 128,
  r6in: 128,
  r7g: 64,
  r7gd: 64,
  i3: 72,
  i3en: 96,
  i4i: 128,
  z1d: 48,
  g4dn: 96,
  g5g: 64,
  x2gd: 64,
  x2idn: 128,
  x2iedn: 128,
  x2iezn: 48,
  'u-6tb1': 448,
  'u-9tb1': 448,
  'u-12tb1': 448,
  'u-18tb1': 448,
  'u-24tb1': 448,
  mac1: 12,
  mac2: 8,
  'mac2-m2': 8,
  'mac2-m2pro': 12,
};

/** Families whose `medium` has 1 vCPU: Graviton, whose vCPUs are whole cores, and 7th-gen AMD. */
const MEDIUM_ONE = words(`
  a1 m3 m6g m6gd m7g m7gd m8g c6g c6gd c6gn c7g c7gd c7gn c8g r6g r6gd r7g r7gd r8g x2gd is4gen
  m7a c7a r7a`);

/** The burstable families' small sizes. */
const SMALL: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  t2: { nano: 1, micro: 1, small: 1, medium: 2 },
  t3: { nano: 2, micro: 2, small: 2, medium: 2 },
  t3a: { nano: 2, micro: 2, small: 2, medium: 2 },
  t4g: { nano: 2, micro: 2, small: 2, medium: 2 },
};

/** Real sizes the rule gets wrong, and every size of the families marked exactOnly. */
const EXACT: Readonly<Record<string, number>> = {
  't1.micro': 1,
  'm1.small': 1,
  'm1.medium': 1,
  'm1.large': 2,
  'm1.xlarge': 4,
  'm2.xlarge': 2,
  'm2.2xlarge': 4,
  'm2.4xlarge': 8,
  'c1.medium': 2,
  'c1.xlarge': 8,
  'c4.8xlarge': 36,
  'd2.8xlarge': 36,
  // HPC families run one thread per core, and their sizes are cores enabled, not a multiple.
  'hpc6a.48xlarge': 96,
  'hpc6id.32xlarge': 64,
  'hpc7a.12xlarge': 24,
  'hpc7a.24xlarge': 48,
  'hpc7a.48xlarge': 96,
  'hpc7a.96xlarge': 192,
  'hpc7g.4xlarge': 16,
  'hpc7g.8xlarge': 32,
  'hpc7g.16xlarge': 64,
};

const EXACT_ONLY = new Set(['t1', 'm1', 'm2', 'c1', ...GROUPS.hpc, ...GROUPS.mac]);

const FAMILIES: ReadonlyMap<string, Family> = new Map(
  Object.entries(GROUPS).flatMap(([group, names]) =>
    names.map((name): [string, Family] => [
      name,
      { group: group as Group, metal: METAL[name], exactOnly: EXACT_ONLY.has(name) },
    ]),
  ),
);

function split(type: string): { family: Family; familyName: string; size: string } | null {
  const parts = type.trim().toLowerCase().split('.');
  if (parts.length !== 2) return null;
  const [familyName = '', size = ''] = parts;
  const family = FAMILIES.get(familyName);
  return family === undefined ? null : { family, familyName, size };
}

/** `xlarge` → 1, `24xlarge` → 24; null for anything else. */
function xlargeMultiple(size: string): number | null {
  const m = /^(\d*)xlarge$/.exec(size);
  if (m === null) return null;
  const n = m[1] === '' ? 1 : Number(m[1]);
  return n >= 1 ? n : null;
}

/**
 * The default vCPUs of an instance type, or null when headroom does not know the type.
 *
 * @example vcpusOf('m5.2xlarge') // 8
 * @example vcpusOf('t2.micro') // 1
 * @example vcpusOf('xx.huge') // null
 */
export function vcpusOf(type: string): number | null {
  const parsed = split(type);
  if (parsed === null) return null;
  const { family, familyName, size } = parsed;
  const exact = EXACT[`${familyName}.${size}`];
  if (exact !== undefined) return exact;
  if (family.exactOnly === true && size !== 'metal') return null;

  const small = SMALL[familyName]?.[size];
  if (small !== undefined) return small;
  if (size === 'medium') return MEDIUM_ONE.includes(familyName) ? 1 : null;
  if (size === 'large') return 2;
  const n = xlargeMultiple(size);
  if (n !== null) return 4 * n;
  if (size === 'metal') return family.metal ?? null;
  const metal = /^metal-(\d+)xl$/.exec(size);
  if (metal !== null) return 4 * Number(metal[1]);
  return null;
}

/**
 * The vCPU quota an instance type counts against when it runs On-Demand or as Spot, or null:
 * for an unknown type, for Mac (Dedicated Hosts, not vCPU quotas) and for Spot of the families
 * that have no Spot (HPC, High Memory, P after P5).
 *
 * @example familyQuotaOf('g5.xlarge', 'on-demand') // ec2/L-DB2E81BA Running On-Demand G and VT instances
 */
export function familyQuotaOf(type: string, market: Market): QuotaRef | null {
  const parsed = split(type);
  if (parsed === null || vcpusOf(type) === null) return null;
  const { group } = parsed.family;
  if (group === 'mac') return null;
  if (market === 'on-demand') return ON_DEMAND[group];
  if (group === 'p') return P_SPOT.find((p) => p.prefix.test(parsed.familyName))?.quota ?? null;
  return SPOT[group] ?? null;
}

/** Why an instance type has no vCPU quota use, in words for `unknown`. */
export function whyNoQuota(type: string, market: Market): string {
  if (vcpusOf(type) === null) return `${type} is not an instance type headroom knows`;
  if (split(type)?.family.group === 'mac') return `${type} runs on a Dedicated Host, not under a vCPU quota`;
  return `${type} has no ${MARKET_NAMES[market]} vCPU quota headroom knows`;
}
