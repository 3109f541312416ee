/**
 * The families as a whole: each resource type in one family only, and every quota a family can
 * name is in the real catalog (data/aws-default-quotas.json) under the same service, code and name.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FAMILIES, familyOf } from './index.js';

interface CatalogEntry {
  readonly ServiceCode: string;
  readonly QuotaCode: string;
  readonly QuotaName: string;
}

const catalog = JSON.parse(
  readFileSync(new URL('../../../data/aws-default-quotas.json', import.meta.url), 'utf8'),
) as CatalogEntry[];
const byKey = new Map(catalog.map((q) => [`${q.ServiceCode}/${q.QuotaCode}`, q.QuotaName]));

describe('FAMILIES', () => {
  it('puts each resource type in one family', () => {
    const types = FAMILIES.flatMap((f) => f.types);
    expect(new Set(types).size).toBe(types.length);
  });

  it('names only quotas of the catalog, by their code and their name', () => {
    const quotas = FAMILIES.flatMap((f) => f.quotas.map((q) => ({ family: f.name, ...q })));
    const wrong = quotas
      .filter((q) => byKey.get(`${q.serviceCode}/${q.quotaCode}`) !== q.name)
      .map((q) => `${q.family}: ${q.serviceCode}/${q.quotaCode} ${q.name}`);
    expect(wrong).toEqual([]);
  });

  it('finds a family by type, and none for types it does not know', () => {
    expect(familyOf('aws_instance')?.name).toBe('ec2-instances');
    expect(familyOf('aws_launch_template')?.name).toBe('autoscaling');
    expect(familyOf('aws_sqs_queue')?.name).toBe('sqs');
    expect(familyOf('aws_s3_bucket')).toBeUndefined();
  });

  it('gives the uses it declares the quotas of', () => {
    // Every family's uses for an empty resource name only quotas it lists.
    for (const family of FAMILIES) {
      const declared = new Set<string>(family.quotas.map((q) => q.quotaCode));
      for (const type of family.types) {
        for (const use of family.uses(type, {}, () => false).uses) {
          expect(declared.has(use.quotaCode), `${type}: ${use.quotaCode}`).toBe(true);
        }
      }
    }
  });
});
