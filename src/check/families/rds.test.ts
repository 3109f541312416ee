import { describe, expect, it } from 'vitest';
import { type Values, valueAt } from './family.js';
import { rdsFamily } from './rds.js';

const unknownIn =
  (tree: Values) =>
  (path: string): boolean =>
    valueAt(tree, path) === true;
const known = () => false;

describe('RDS', () => {
  it('counts a DB instance and its allocated storage in GiB', () => {
    const values = { engine: 'postgres', instance_class: 'db.m6g.large', allocated_storage: 200 };
    expect(rdsFamily.uses('aws_db_instance', values, known)).toEqual({
      uses: [
        { serviceCode: 'rds', quotaCode: 'L-7B6409FD', amount: 1, why: 'one DB instance' },
        { serviceCode: 'rds', quotaCode: 'L-7ADDB58A', amount: 200, why: 'allocated_storage 200 GiB' },
      ],
      unknown: [],
    });
  });

  it('reports storage a replica takes from its source (unknown), still counting the instance', () => {
    const values = { replicate_source_db: 'main', instance_class: 'db.m6g.large' };
    expect(rdsFamily.uses('aws_db_instance', values, unknownIn({ allocated_storage: true }))).toEqual({
      uses: [{ serviceCode: 'rds', quotaCode: 'L-7B6409FD', amount: 1, why: 'one DB instance' }],
      unknown: ['allocated_storage'],
    });
  });

  it('counts clusters and cluster instances', () => {
    expect(rdsFamily.uses('aws_rds_cluster', { engine: 'aurora-postgresql' }, known).uses).toMatchObject([
      { quotaCode: 'L-952B80B8', amount: 1 },
    ]);
    expect(
      rdsFamily.uses('aws_rds_cluster_instance', { instance_class: 'db.r6g.large' }, known).uses,
    ).toMatchObject([{ quotaCode: 'L-7B6409FD', amount: 1 }]);
  });
});
