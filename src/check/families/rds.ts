/**
 * RDS: DB instances (Aurora's cluster instances among them) against "DB instances", clusters
 * against "DB clusters", and a DB instance's allocated_storage against "Total storage for all DB
 * instances" (GiB). Aurora storage belongs to the cluster and grows on its own, so it is not
 * counted there. Storage autoscaling can grow an instance up to max_allocated_storage later;
 * only what is allocated now is counted.
 */
import type { ResourceUse } from '../types.js';
import { type DeclaredFamily, type QuotaRef, attributesOf, one, use } from './family.js';

const rds = (quotaCode: `L-${string}`, name: string): QuotaRef => ({ serviceCode: 'rds', quotaCode, name });

const DB_INSTANCES = rds('L-7B6409FD', 'DB instances');
const DB_CLUSTERS = rds('L-952B80B8', 'DB clusters');
const TOTAL_STORAGE = rds('L-7ADDB58A', 'Total storage for all DB instances');

export const rdsFamily: DeclaredFamily = {
  name: 'rds',
  types: ['aws_db_instance', 'aws_rds_cluster', 'aws_rds_cluster_instance'],
  quotas: [DB_INSTANCES, DB_CLUSTERS, TOTAL_STORAGE],
  uses(type, values, unknownOf): ResourceUse {
    if (type === 'aws_rds_cluster') return one(DB_CLUSTERS, 'one DB cluster');
    if (type === 'aws_rds_cluster_instance')
      return one(DB_INSTANCES, 'one DB instance, in an Aurora cluster');

    const instance = use(DB_INSTANCES, 1, 'one DB instance');
    const a = attributesOf(values, unknownOf);
    // A replica or a restore from a snapshot takes its storage from the source when unset.
    const storage = a.number('allocated_storage');
    if (storage === undefined) return { uses: [instance], unknown: ['allocated_storage'] };
    return { uses: [instance, use(TOTAL_STORAGE, storage, `allocated_storage ${storage} GiB`)], unknown: [] };
  },
};
