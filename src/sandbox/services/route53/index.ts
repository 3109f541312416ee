/**
 * Route 53 (`route53`, REST-XML 2013-04-01): ListHostedZones, GetHostedZone, GetHostedZoneCount and
 * ListHealthChecks over the account's seeded zones and health checks (./resources.ts).
 *
 * Pages are Route 53's own: `marker` is the id of the first item of the page asked for, and a
 * truncated page's NextMarker is the id of the first item of the next one (not an opaque token).
 * Route 53 allows 5 requests per second per account for its API as a whole (documented); the
 * sandbox applies that rate to each operation. Route 53 is global: whatever region a request is
 * signed for, it reads the account's one set of resources.
 */
import { AwsError, type ErrorDialect } from '../../core/errors.js';
import type { Handler, RateLimit, RequestContext, ServiceDefinition } from '../../core/service.js';
import { type Input, integer, string, structure } from '../../core/shapes.js';
import { xmlList } from '../../core/xml.js';
import {
  type HealthCheck,
  type HostedZone,
  ROUTE53_HOME,
  type Route53Resources,
  route53Resources,
} from './resources.js';

const RATE: RateLimit = { perSecond: 5, burst: 0 };

/** Route 53 answers every input problem with InvalidInput, 400, in Coral's validation words. */
const invalidInput = (message: string): AwsError => new AwsError('InvalidInput', message, 400);

const dialect: ErrorDialect = {
  validation: invalidInput,
  serialization: invalidInput,
  throttling: () => new AwsError('Throttling', 'Rate exceeded', 400),
  accessDenied: (message) => new AwsError('AccessDenied', message, 403),
  internalFailure: () => new AwsError('InternalFailure', 'An internal error occurred.', 500),
  serviceUnavailable: () => new AwsError('ServiceUnavailable', 'Service is unavailable, please retry.', 503),
};

function resourcesOf(ctx: RequestContext): Route53Resources {
  return ctx.world.resources.of(route53Resources, ctx.account, ROUTE53_HOME);
}

interface MarkerPage<T> {
  readonly items: readonly T[];
  readonly size: number;
  readonly nextMarker: string | undefined;
}

/**
 * One page of items sorted by id, starting at the item whose id is `marker`. An id that is not
 * there is InvalidInput (AWS does not document the wording; assumed).
 */
function markerPage<T extends { id: string }>(
  ctx: RequestContext,
  items: readonly T[],
  marker: string | undefined,
  maxItems: number | undefined,
  largest: number,
): MarkerPage<T> {
  let start = 0;
  if (marker !== undefined) {
    start = items.findIndex((item) => item.id === marker);
    if (start < 0) throw invalidInput(`Invalid marker: ${marker}`);
  }
  const size = Math.min(maxItems ?? 100, largest, ctx.pageSize ?? Number.POSITIVE_INFINITY);
  const page = items.slice(start, start + size);
  return { items: page, size, nextMarker: items[start + size]?.id };
}

/** A List reply's paging elements, after its items: Marker (as asked), IsTruncated, NextMarker, MaxItems. */
function pageElements(input: Input, page: MarkerPage<unknown>) {
  return {
    Marker: (input.Marker as string | undefined) ?? '',
    IsTruncated: page.nextMarker !== undefined,
    NextMarker: page.nextMarker,
    MaxItems: String(page.size),
  };
}

function zoneXml(zone: HostedZone): Record<string, unknown> {
  return {
    Id: `/hostedzone/${zone.id}`,
    Name: zone.name,
    CallerReference: zone.callerReference,
    Config: { Comment: zone.comment, PrivateZone: zone.privateZone },
    ResourceRecordSetCount: zone.recordSetCount,
  };
}

function healthCheckXml(check: HealthCheck): Record<string, unknown> {
  return {
    Id: check.id,
    CallerReference: check.callerReference,
    HealthCheckConfig: {
      Port: check.port,
      Type: check.type,
      ResourcePath: check.resourcePath,
      FullyQualifiedDomainName: check.fqdn,
      RequestInterval: check.requestInterval,
      FailureThreshold: check.failureThreshold,
      MeasureLatency: false,
      Inverted: false,
      Disabled: false,
      EnableSNI: check.type === 'HTTPS' ? true : undefined,
    },
    HealthCheckVersion: check.version,
  };
}

const listHostedZones: Handler = (ctx, input) => {
  if (input.DelegationSetId !== undefined) {
    // The sandbox's accounts have no reusable delegation sets.
    throw new AwsError(
      'NoSuchDelegationSet',
      `A reusable delegation set with the specified ID does not exist: ${input.DelegationSetId as string}`,
      400,
    );
  }
  const zones = resourcesOf(ctx).hostedZones.filter(
    (zone) => input.HostedZoneType === undefined || zone.privateZone,
  );
  const page = markerPage(
    ctx,
    zones,
    input.Marker as string | undefined,
    input.MaxItems as number | undefined,
    100,
  );
  return {
    HostedZones: xmlList('HostedZone', page.items.map(zoneXml)),
    ...pageElements(input, page),
  };
};

const getHostedZone: Handler = (ctx, input) => {
  const id = input.Id as string;
  const zone = resourcesOf(ctx).hostedZones.find((z) => z.id === id);
  if (!zone) throw new AwsError('NoSuchHostedZone', `No hosted zone found with ID: ${id}`, 404);
  return {
    HostedZone: zoneXml(zone),
    DelegationSet: zone.privateZone ? undefined : { NameServers: xmlList('NameServer', zone.nameServers) },
    VPCs: zone.privateZone
      ? xmlList(
          'VPC',
          zone.vpcs.map((vpc) => ({ VPCRegion: vpc.region, VPCId: vpc.vpcId })),
        )
      : undefined,
  };
};

const getHostedZoneCount: Handler = (ctx) => ({ HostedZoneCount: resourcesOf(ctx).hostedZones.length });

const listHealthChecks: Handler = (ctx, input) => {
  const page = markerPage(
    ctx,
    resourcesOf(ctx).healthChecks,
    input.Marker as string | undefined,
    input.MaxItems as number | undefined,
    1000,
  );
  return {
    HealthChecks: xmlList('HealthCheck', page.items.map(healthCheckXml)),
    ...pageElements(input, page),
  };
};

export const route53: ServiceDefinition = {
  signingName: 'route53',
  sharedRate: true,
  rest: { kind: 'xml', xmlNamespace: 'https://route53.amazonaws.com/doc/2013-04-01/' },
  dialect,
  operations: {
    ListHostedZones: {
      input: structure({
        Marker: string({ max: 64 }),
        MaxItems: integer({ min: 1 }),
        DelegationSetId: string({ max: 32 }),
        HostedZoneType: string({ enum: ['PrivateHostedZone'] }),
      }),
      handler: listHostedZones,
      rate: RATE,
      http: {
        method: 'GET',
        path: '/2013-04-01/hostedzone',
        query: {
          marker: 'Marker',
          maxitems: 'MaxItems',
          delegationsetid: 'DelegationSetId',
          hostedzonetype: 'HostedZoneType',
        },
      },
    },
    GetHostedZone: {
      input: structure({ Id: string({ max: 32 }) }, ['Id']),
      handler: getHostedZone,
      rate: RATE,
      resourceMember: 'Id',
      http: { method: 'GET', path: '/2013-04-01/hostedzone/{Id}' },
    },
    GetHostedZoneCount: {
      input: structure({}),
      handler: getHostedZoneCount,
      rate: RATE,
      http: { method: 'GET', path: '/2013-04-01/hostedzonecount' },
    },
    ListHealthChecks: {
      input: structure({ Marker: string({ max: 64 }), MaxItems: integer({ min: 1 }) }),
      handler: listHealthChecks,
      rate: RATE,
      http: {
        method: 'GET',
        path: '/2013-04-01/healthcheck',
        query: { marker: 'Marker', maxitems: 'MaxItems' },
      },
    },
  },
};
