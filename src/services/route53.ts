/**
 * Route 53's usage counter (global: counted once per account, in us-east-1).
 *
 * - Hosted zones (L-4EA4796A) and health checks (L-ACB674F3): every page of ListHostedZones and
 *   ListHealthChecks, counted.
 * - Records per hosted zone (L-E209CC9F), per zone: ListHostedZones gives each zone's
 *   ResourceRecordSetCount, so no call per zone is needed.
 * - VPCs per private hosted zone (L-84B40094), per private zone: only GetHostedZone lists a zone's
 *   VPCs, so this costs one call per private zone (at Route 53's 5 requests per second per
 *   account). It is made only when the account has the quota, and only for private zones; public
 *   zones have no VPCs.
 *
 * Per-zone values name the zone by its bare id (`Z…`), as the console and `aws route53` show it.
 */
import {
  GetHostedZoneCommand,
  type HostedZone,
  paginateListHealthChecks,
  paginateListHostedZones,
} from '@aws-sdk/client-route-53';
import { errorName } from '../aws/errors.js';
import type { CountContext, UsageCount, UsageCounter } from './service.js';

export const HOSTED_ZONES = 'L-4EA4796A';
export const RECORDS_PER_HOSTED_ZONE = 'L-E209CC9F';
export const HEALTH_CHECKS = 'L-ACB674F3';
export const VPCS_PER_PRIVATE_HOSTED_ZONE = 'L-84B40094';

/** The largest page each list allows. */
const HOSTED_ZONE_PAGE = 100;
const HEALTH_CHECK_PAGE = 1000;

/** `/hostedzone/Z123` → `Z123`. */
function zoneId(zone: HostedZone): string {
  const id = zone.Id ?? '';
  return id.slice(id.lastIndexOf('/') + 1);
}

async function listHostedZones(ctx: CountContext): Promise<HostedZone[]> {
  const client = ctx.session.route53(ctx.target.accountId);
  const zones: HostedZone[] = [];
  for await (const page of paginateListHostedZones({ client, pageSize: HOSTED_ZONE_PAGE }, {})) {
    zones.push(...(page.HostedZones ?? []));
  }
  return zones;
}

async function countHealthChecks(ctx: CountContext): Promise<number> {
  const client = ctx.session.route53(ctx.target.accountId);
  let count = 0;
  for await (const page of paginateListHealthChecks({ client, pageSize: HEALTH_CHECK_PAGE }, {})) {
    count += page.HealthChecks?.length ?? 0;
  }
  return count;
}

/** The VPCs associated with a private zone, or undefined when the zone was deleted meanwhile. */
async function countVpcs(ctx: CountContext, id: string): Promise<number | undefined> {
  const client = ctx.session.route53(ctx.target.accountId);
  try {
    const out = await client.send(new GetHostedZoneCommand({ Id: id }));
    return out.VPCs?.length ?? 0;
  } catch (error) {
    // A zone deleted between the list and this call uses nothing any more.
    if (errorName(error) === 'NoSuchHostedZone') return undefined;
    throw error;
  }
}

export const route53: UsageCounter = {
  serviceCode: 'route53',
  global: true,
  quotas: [
    { quotaCode: HOSTED_ZONES, counts: 'hosted zones, public and private' },
    {
      quotaCode: RECORDS_PER_HOSTED_ZONE,
      counts: 'resource record sets in each hosted zone',
      perResource: true,
    },
    { quotaCode: HEALTH_CHECKS, counts: 'health checks' },
    {
      quotaCode: VPCS_PER_PRIVATE_HOSTED_ZONE,
      counts: 'VPCs associated with each private hosted zone (one GetHostedZone per private zone)',
      perResource: true,
    },
  ],
  iamActions: ['route53:ListHostedZones', 'route53:ListHealthChecks', 'route53:GetHostedZone'],

  async findUsage(ctx) {
    const has = new Set(ctx.quotas.map((q) => q.quotaCode));
    const wantZones =
      has.has(HOSTED_ZONES) || has.has(RECORDS_PER_HOSTED_ZONE) || has.has(VPCS_PER_PRIVATE_HOSTED_ZONE);
    const [zones, healthChecks] = await Promise.all([
      wantZones ? listHostedZones(ctx) : undefined,
      has.has(HEALTH_CHECKS) ? countHealthChecks(ctx) : undefined,
    ]);
    const counts: UsageCount[] = [];
    if (healthChecks !== undefined) counts.push({ quotaCode: HEALTH_CHECKS, value: healthChecks });
    if (zones === undefined) return counts;
    if (has.has(HOSTED_ZONES)) counts.push({ quotaCode: HOSTED_ZONES, value: zones.length });
    if (has.has(RECORDS_PER_HOSTED_ZONE)) {
      for (const zone of zones) {
        counts.push({
          quotaCode: RECORDS_PER_HOSTED_ZONE,
          value: zone.ResourceRecordSetCount ?? 0,
          resource: zoneId(zone),
        });
      }
    }
    if (has.has(VPCS_PER_PRIVATE_HOSTED_ZONE)) {
      const privateZones = zones.filter((zone) => zone.Config?.PrivateZone === true).map(zoneId);
      const vpcs = await Promise.all(privateZones.map((id) => countVpcs(ctx, id)));
      privateZones.forEach((id, i) => {
        const value = vpcs[i];
        if (value !== undefined)
          counts.push({ quotaCode: VPCS_PER_PRIVATE_HOSTED_ZONE, value, resource: id });
      });
    }
    return counts;
  },
};
