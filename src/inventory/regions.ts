/**
 * Which regions of each account to read. A list is taken as given once each name is known to
 * exist (a name outside AWS's public list is checked with EC2 DescribeRegions AllRegions=true);
 * `all` is the account's enabled regions (DescribeRegions); `in-use` the enabled regions where
 * DescribeInstances finds a running instance (one small page per region, stopping at the first).
 * What EC2 says is cached in the store with the inventory's TTL.
 */
import { DescribeInstancesCommand, DescribeRegionsCommand } from '@aws-sdk/client-ec2';
import type { Logger } from 'pino';
import { toAwsError } from '../aws/errors.js';
import type { AwsSession } from '../aws/session.js';
import type { AccountRegions, InventoryProblem, RegionSpec } from '../domain/inventory.js';
import { GLOBAL_QUOTA_HOME_REGION } from '../domain/target.js';
import type { Store } from '../storage/port.js';

/** The IAM actions region discovery calls. */
export const REGIONS_IAM_ACTIONS = ['ec2:DescribeRegions', 'ec2:DescribeInstances'] as const;

/**
 * AWS's regions as of 2025 (commercial, GovCloud, China). A listed region in here needs no call
 * to check; one that is not is checked against DescribeRegions, so a newer region still works.
 */
export const KNOWN_REGIONS: ReadonlySet<string> = new Set([
  'af-south-1',
  'ap-east-1',
  'ap-east-2',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-south-1',
  'ap-south-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-southeast-4',
  'ap-southeast-5',
  'ap-southeast-7',
  'ca-central-1',
  'ca-west-1',
  'cn-north-1',
  'cn-northwest-1',
  'eu-central-1',
  'eu-central-2',
  'eu-north-1',
  'eu-south-1',
  'eu-south-2',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'il-central-1',
  'me-central-1',
  'me-south-1',
  'mx-central-1',
  'sa-east-1',
  'us-east-1',
  'us-east-2',
  'us-gov-east-1',
  'us-gov-west-1',
  'us-west-1',
  'us-west-2',
]);

export interface RegionOptions {
  readonly session: AwsSession;
  readonly store: Store;
  readonly ttlMs: number;
  readonly refresh: boolean;
  readonly now: Date;
  readonly logger: Logger;
}

const SOURCE = 'regions';

/** The regions to read in one account, with a problem for each thing that went wrong. */
export async function resolveRegions(
  accountId: string,
  spec: RegionSpec,
  options: RegionOptions,
): Promise<{ regions: string[]; problems: InventoryProblem[] }> {
  const problems: InventoryProblem[] = [];
  if (typeof spec !== 'string') {
    const unknown = spec.filter((region) => !KNOWN_REGIONS.has(region));
    if (unknown.length === 0) return { regions: [...spec], problems };
    const facts = await regionFacts(accountId, false, options);
    if ('failure' in facts) {
      // Cannot check: read them anyway (a region that does not exist fails there, named).
      problems.push({
        ...facts.failure,
        message: `${facts.failure.message}; cannot check ${unknown.join(', ')}`,
      });
      return { regions: [...spec], problems };
    }
    const known = new Set(facts.known);
    for (const region of unknown.filter((r) => !known.has(r))) {
      problems.push({
        code: 'HR_INVENTORY_REGION',
        source: SOURCE,
        message: `region ${region} of account ${accountId} does not exist (EC2 DescribeRegions does not list it); the account's other regions are read`,
        hint: 'correct or remove it in regions',
      });
    }
    return { regions: spec.filter((region) => KNOWN_REGIONS.has(region) || known.has(region)), problems };
  }
  const facts = await regionFacts(accountId, spec === 'in-use', options);
  if ('failure' in facts) {
    problems.push({ ...facts.failure, message: `${facts.failure.message}; no region of it is read` });
    return { regions: [], problems };
  }
  problems.push(...facts.problems);
  return { regions: [...((spec === 'all' ? facts.enabled : facts.inUse) ?? facts.enabled)], problems };
}

type Facts = (AccountRegions & { problems: InventoryProblem[] }) | { failure: InventoryProblem };

/** What EC2 says of the account's regions: from the store while fresh, else asked and kept. */
async function regionFacts(accountId: string, inUse: boolean, options: RegionOptions): Promise<Facts> {
  const { session, store, now } = options;
  const cached = await store.accountRegions(accountId);
  const fresh =
    cached !== undefined && !options.refresh && now.getTime() - cached.fetchedAt.getTime() < options.ttlMs;
  if (fresh && (!inUse || cached.inUse !== null)) return { ...cached, problems: [] };

  let known: string[];
  let enabled: string[];
  if (fresh) {
    ({ known, enabled } = { known: [...cached.known], enabled: [...cached.enabled] });
  } else {
    try {
      const ec2 = session.ec2({ accountId, region: GLOBAL_QUOTA_HOME_REGION });
      const answer = await ec2.send(new DescribeRegionsCommand({ AllRegions: true }));
      const regions = answer.Regions ?? [];
      known = regions.flatMap((r) => (r.RegionName === undefined ? [] : [r.RegionName])).sort();
      enabled = regions
        .filter((r) => r.RegionName !== undefined && r.OptInStatus !== 'not-opted-in')
        .map((r) => r.RegionName ?? '')
        .sort();
    } catch (error) {
      const failure = toAwsError(error, {
        action: 'ec2:DescribeRegions',
        where: `account ${accountId}`,
        endpoint: session.endpoint,
      });
      return {
        failure: {
          code: 'HR_INVENTORY_REGIONS',
          source: SOURCE,
          message: `account ${accountId}: cannot list its regions: ${failure.message}`,
          hint: failure.hint,
        },
      };
    }
  }

  let running: readonly string[] | null = fresh ? cached.inUse : null;
  const problems: InventoryProblem[] = [];
  if (inUse) {
    const checks = await Promise.all(
      enabled.map(async (region) => {
        try {
          const ec2 = session.ec2({ accountId, region });
          // One small page: the first running instance is enough.
          const page = await ec2.send(
            new DescribeInstancesCommand({
              Filters: [{ Name: 'instance-state-name', Values: ['running'] }],
              MaxResults: 5,
            }),
          );
          const running = (page.Reservations ?? []).some((r) => (r.Instances ?? []).length > 0);
          return { regions: running ? [region] : [], failed: false };
        } catch (error) {
          const failure = toAwsError(error, {
            action: 'ec2:DescribeInstances',
            where: `${accountId}:${region}`,
            endpoint: session.endpoint,
          });
          problems.push({
            code: 'HR_INVENTORY_REGIONS',
            source: SOURCE,
            message: `account ${accountId}: cannot tell whether ${region} is in use, so it is read: ${failure.message}`,
            hint: failure.hint,
          });
          return { regions: [region], failed: true };
        }
      }),
    );
    running = checks.flatMap((check) => check.regions);
    // A region that could not be checked is read this time, and asked about again next time.
    if (checks.some((check) => check.failed))
      return { accountId, fetchedAt: now, known, enabled, inUse: running, problems };
  }
  const facts: AccountRegions = {
    accountId,
    fetchedAt: fresh ? cached.fetchedAt : now,
    known,
    enabled,
    inUse: running,
  };
  await store.saveAccountRegions(facts);
  return { ...facts, problems };
}
