/**
 * The sandbox's Route 53 (REST-XML) through the real SDK client with pages of 2, its errors in
 * Route 53's own shape, and both AWS CLIs as independent clients: every list followed to its end
 * and compared with the seeded zones and health checks.
 */
import {
  GetHostedZoneCommand,
  GetHostedZoneCountCommand,
  type HealthCheck as SdkHealthCheck,
  type HostedZone as SdkHostedZone,
  ListHealthChecksCommand,
  ListHostedZonesCommand,
  Route53Client,
} from '@aws-sdk/client-route-53';
import { describe, expect, it } from 'vitest';
import type {
  HealthCheck,
  HostedZone,
  Route53Resources,
} from '../../src/sandbox/services/route53/resources.js';
import { AWS_CLIS, awsCliJson, checkAwsCliFirst, runAwsCli } from '../helpers/aws-cli.js';
import { signedGet } from '../helpers/rest-raw.js';
import { clientSettings, cliOptions, failureOf, outcomeOf, sandboxForTests } from '../helpers/sandbox.js';

const NAMESPACE = 'https://route53.amazonaws.com/doc/2013-04-01/';

const sandbox = sandboxForTests({ pageSize: 2, throttle: 'off' });

function seeded(accountIndex: number): Route53Resources {
  const account = sandbox.admin.accounts()[accountIndex];
  if (!account) throw new Error(`no account ${accountIndex}`);
  return sandbox.admin.resources('route53', account.id, 'us-east-1') as Route53Resources;
}

function client(accountIndex: number, region = 'us-east-1'): Route53Client {
  return new Route53Client(clientSettings(sandbox, { account: accountIndex, region, maxAttempts: 1 }));
}

function zoneAsListed(zone: HostedZone): SdkHostedZone {
  return {
    Id: `/hostedzone/${zone.id}`,
    Name: zone.name,
    CallerReference: zone.callerReference,
    Config: { Comment: zone.comment, PrivateZone: zone.privateZone },
    ResourceRecordSetCount: zone.recordSetCount,
  };
}

function healthCheckAsListed(check: HealthCheck): SdkHealthCheck {
  return {
    Id: check.id,
    CallerReference: check.callerReference,
    HealthCheckConfig: {
      Port: check.port,
      Type: check.type,
      ...(check.resourcePath === undefined ? {} : { ResourcePath: check.resourcePath }),
      FullyQualifiedDomainName: check.fqdn,
      RequestInterval: check.requestInterval,
      FailureThreshold: check.failureThreshold,
      MeasureLatency: false,
      Inverted: false,
      Disabled: false,
      ...(check.type === 'HTTPS' ? { EnableSNI: true } : {}),
    },
    HealthCheckVersion: check.version,
  };
}

describe('Route 53 through the SDK, pages of 2', () => {
  it('seeds every account with public and private zones, one of them busy, and nothing outside us-east-1', () => {
    for (const index of [0, 1, 2]) {
      const { hostedZones } = seeded(index);
      expect(hostedZones.length).toBeGreaterThanOrEqual(3);
      expect(hostedZones.some((z) => z.privateZone)).toBe(true);
      expect(hostedZones.some((z) => !z.privateZone)).toBe(true);
      for (const zone of hostedZones) {
        expect(zone.id).toMatch(/^Z[A-Z0-9]{20}$/);
        expect(zone.vpcs.length > 0).toBe(zone.privateZone);
        expect(zone.recordSetCount).toBeLessThan(10_000);
      }
      // One zone per account is near its records quota (10,000 unless raised), but under it.
      expect(Math.max(...hostedZones.map((z) => z.recordSetCount))).toBeGreaterThan(5_000);
      const account = sandbox.admin.accounts()[index];
      const elsewhere = sandbox.admin.resources(
        'route53',
        account?.id ?? '',
        'eu-west-1',
      ) as Route53Resources;
      expect(elsewhere).toEqual({ hostedZones: [], healthChecks: [] });
    }
  });

  it('ListHostedZones: every page of 2, Route 53 markers (the id of the next page’s first zone), every seeded zone', async () => {
    for (const index of [0, 1, 2]) {
      const { hostedZones } = seeded(index);
      const before = sandbox.admin.callTotal({ operation: 'ListHostedZones' });
      const listed: SdkHostedZone[] = [];
      let marker: string | undefined;
      let pages = 0;
      do {
        const page = await client(index).send(new ListHostedZonesCommand({ Marker: marker }));
        pages++;
        expect(page.Marker).toBe(marker ?? '');
        expect(page.MaxItems).toBe(2);
        expect(page.HostedZones?.length).toBeLessThanOrEqual(2);
        listed.push(...(page.HostedZones ?? []));
        expect(page.IsTruncated).toBe(page.NextMarker !== undefined);
        if (page.NextMarker !== undefined) {
          expect(page.NextMarker).toBe(hostedZones[listed.length]?.id);
        }
        marker = page.NextMarker;
      } while (marker !== undefined);
      expect(listed).toEqual(hostedZones.map(zoneAsListed));
      expect(pages).toBe(Math.ceil(hostedZones.length / 2));
      expect(sandbox.admin.callTotal({ operation: 'ListHostedZones' }) - before).toBe(pages);
    }
  });

  it('ListHostedZones with hostedzonetype lists the private zones only', async () => {
    const listed: SdkHostedZone[] = [];
    let marker: string | undefined;
    do {
      const page = await client(1).send(
        new ListHostedZonesCommand({ Marker: marker, HostedZoneType: 'PrivateHostedZone' }),
      );
      listed.push(...(page.HostedZones ?? []));
      marker = page.NextMarker;
    } while (marker !== undefined);
    expect(listed).toEqual(
      seeded(1)
        .hostedZones.filter((z) => z.privateZone)
        .map(zoneAsListed),
    );
  });

  it('ListHealthChecks: every page of 2, every seeded health check', async () => {
    for (const index of [0, 1, 2]) {
      const { healthChecks } = seeded(index);
      const listed: SdkHealthCheck[] = [];
      let marker: string | undefined;
      let pages = 0;
      do {
        const page = await client(index).send(new ListHealthChecksCommand({ Marker: marker }));
        pages++;
        expect(page.Marker).toBe(marker ?? '');
        listed.push(...(page.HealthChecks ?? []));
        if (page.NextMarker !== undefined) expect(page.NextMarker).toBe(healthChecks[listed.length]?.id);
        marker = page.NextMarker;
      } while (marker !== undefined);
      expect(listed).toEqual(healthChecks.map(healthCheckAsListed));
      expect(pages).toBe(Math.max(1, Math.ceil(healthChecks.length / 2)));
    }
  });

  it('GetHostedZone: a private zone’s VPCs, a public zone’s name servers; GetHostedZoneCount', async () => {
    const { hostedZones } = seeded(2);
    for (const zone of hostedZones) {
      const out = await client(2).send(new GetHostedZoneCommand({ Id: zone.id }));
      expect(out.HostedZone).toEqual(zoneAsListed(zone));
      if (zone.privateZone) {
        expect(out.VPCs).toEqual(zone.vpcs.map((v) => ({ VPCRegion: v.region, VPCId: v.vpcId })));
        expect(out.DelegationSet).toBeUndefined();
      } else {
        expect(out.VPCs).toBeUndefined();
        expect(out.DelegationSet?.NameServers).toEqual(zone.nameServers);
        expect(zone.nameServers).toHaveLength(4);
      }
    }
    const count = await client(2).send(new GetHostedZoneCountCommand({}));
    expect(count.HostedZoneCount).toBe(hostedZones.length);
  });

  it('is global: a client of another region sees the same zones', async () => {
    const page = await client(0, 'eu-west-1').send(new ListHostedZonesCommand({}));
    expect(page.HostedZones).toEqual(seeded(0).hostedZones.slice(0, 2).map(zoneAsListed));
  });
});

describe('Route 53 errors, in its own shape', () => {
  it('NoSuchHostedZone, 404, for a zone the account does not have', async () => {
    const other = seeded(1).hostedZones[0]?.id ?? '';
    expect(await failureOf(client(0).send(new GetHostedZoneCommand({ Id: other })))).toEqual({
      name: 'NoSuchHostedZone',
      message: `No hosted zone found with ID: ${other}`,
      status: 404,
    });
  });

  it('InvalidInput, 400, for a marker that names no zone, a bad maxitems, and an id too long', async () => {
    expect(
      await failureOf(client(0).send(new ListHostedZonesCommand({ Marker: 'ZNOTAZONE' }))),
    ).toMatchObject({
      name: 'InvalidInput',
      status: 400,
    });
    expect(await failureOf(client(0).send(new ListHealthChecksCommand({ Marker: 'nope' })))).toMatchObject({
      name: 'InvalidInput',
      status: 400,
    });
    const zero = await failureOf(client(0).send(new ListHostedZonesCommand({ MaxItems: 0 })));
    expect(zero).toMatchObject({ name: 'InvalidInput', status: 400 });
    expect(zero.message).toContain("at 'maxItems' failed to satisfy constraint");
    const long = await failureOf(client(0).send(new GetHostedZoneCommand({ Id: `Z${'A'.repeat(40)}` })));
    expect(long).toMatchObject({ name: 'InvalidInput', status: 400 });
  });

  it('the error document: <ErrorResponse> in Route 53’s namespace with Type, Code, Message and RequestId', async () => {
    const reply = await signedGet(sandbox, {
      service: 'route53',
      path: '/2013-04-01/hostedzone/ZNOSUCHZONE',
    });
    expect(reply.status).toBe(404);
    expect(reply.headers.get('content-type')).toBe('text/xml');
    expect(reply.text).toMatch(
      new RegExp(
        `^<\\?xml version="1.0" encoding="UTF-8"\\?>\\n<ErrorResponse xmlns="${NAMESPACE}"><Error><Type>Sender</Type>` +
          '<Code>NoSuchHostedZone</Code><Message>No hosted zone found with ID: ZNOSUCHZONE</Message></Error>' +
          '<RequestId>[0-9a-f-]{36}</RequestId></ErrorResponse>$',
      ),
    );
    const page = await signedGet(sandbox, {
      service: 'route53',
      path: '/2013-04-01/hostedzone',
      query: { maxitems: '1' },
    });
    expect(page.status).toBe(200);
    expect(page.text).toContain(
      `<ListHostedZonesResponse xmlns="${NAMESPACE}"><HostedZones><HostedZone><Id>`,
    );
    expect(page.text).toContain('<IsTruncated>true</IsTruncated>');
    expect(page.text).toContain('<MaxItems>1</MaxItems>');
  });

  it('AccessDenied, 403, naming the action', async () => {
    sandbox.admin.configure({ denials: [{ operation: 'ListHealthChecks' }] });
    try {
      const denied = await failureOf(client(1).send(new ListHealthChecksCommand({})));
      expect(denied).toMatchObject({ name: 'AccessDenied', status: 403 });
      expect(denied.message).toContain('is not authorized to perform: route53:ListHealthChecks');
    } finally {
      sandbox.admin.configure({ denials: [] });
    }
  });
});

describe('Route 53 throttling at 5 requests per second per account, with the clock held still', () => {
  const frozen = Date.now();
  const held = sandboxForTests({ throttle: 'aws', wallClock: () => frozen });

  it('lets 5 through and answers the rest Throttling, 400, "Rate exceeded"', async () => {
    const r53 = new Route53Client(clientSettings(held, { maxAttempts: 1 }));
    const outcomes = await Promise.all(
      Array.from({ length: 8 }, () => outcomeOf(r53.send(new ListHostedZonesCommand({})))),
    );
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(5);
    expect(outcomes.filter((o) => o !== 'ok')).toEqual(Array(3).fill('Throttling 400 Rate exceeded'));
  });
});

describe.each(AWS_CLIS)('Route 53 through $label', (cli) => {
  checkAwsCliFirst(cli);

  const options = (accountIndex: number) => cliOptions(sandbox, accountIndex);

  it('list-hosted-zones follows every page of 2 to the seeded zones', async () => {
    const out = await awsCliJson<{ HostedZones: SdkHostedZone[] }>(
      cli,
      ['route53', 'list-hosted-zones'],
      options(1),
    );
    expect(out.HostedZones).toEqual(seeded(1).hostedZones.map(zoneAsListed));
  });

  it('list-health-checks follows every page to the seeded health checks', async () => {
    const index = [0, 1, 2].find((i) => seeded(i).healthChecks.length > 2) ?? 0;
    const out = await awsCliJson<{ HealthChecks: SdkHealthCheck[] }>(
      cli,
      ['route53', 'list-health-checks'],
      options(index),
    );
    expect(out.HealthChecks).toEqual(seeded(index).healthChecks.map(healthCheckAsListed));
  });

  it('get-hosted-zone (the CLI strips /hostedzone/) shows a private zone’s VPCs', async () => {
    const zone = seeded(2).hostedZones.find((z) => z.privateZone);
    if (!zone) throw new Error('no private zone');
    const out = await awsCliJson<{ HostedZone: SdkHostedZone; VPCs: unknown[] }>(
      cli,
      ['route53', 'get-hosted-zone', '--id', `/hostedzone/${zone.id}`],
      options(2),
    );
    expect(out.HostedZone).toEqual(zoneAsListed(zone));
    expect(out.VPCs).toEqual(zone.vpcs.map((v) => ({ VPCRegion: v.region, VPCId: v.vpcId })));
  });

  it('get-hosted-zone of no such zone fails with NoSuchHostedZone', async () => {
    const result = await runAwsCli(cli, ['route53', 'get-hosted-zone', '--id', 'ZNOSUCHZONE'], options(0));
    expect(result.code).toBe(cli.serviceErrorExitCode);
    expect(result.stderr).toContain('(NoSuchHostedZone)');
    expect(result.stderr).toContain('No hosted zone found with ID: ZNOSUCHZONE');
  });
});
