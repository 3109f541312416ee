/**
 * The sandbox's CloudFront (REST-XML) through the real SDK client with pages of 2, its errors in
 * CloudFront's own shape, and both AWS CLIs as independent clients: every distribution listed
 * whole and compared with the seeded ones.
 */
import { CloudFrontClient, ListDistributionsCommand } from '@aws-sdk/client-cloudfront';
import { describe, expect, it } from 'vitest';
import type { CloudFrontResources, Distribution } from '../../src/sandbox/services/cloudfront/resources.js';
import { AWS_CLIS, awsCliJson, checkAwsCliFirst, runAwsCli } from '../helpers/aws-cli.js';
import { signedGet } from '../helpers/rest-raw.js';
import { clientSettings, cliOptions, failureOf, outcomeOf, sandboxForTests } from '../helpers/sandbox.js';

const NAMESPACE = 'http://cloudfront.amazonaws.com/doc/2020-05-31/';

const sandbox = sandboxForTests({ pageSize: 2, throttle: 'off' });

function seeded(accountIndex: number): readonly Distribution[] {
  const account = sandbox.admin.accounts()[accountIndex];
  if (!account) throw new Error(`no account ${accountIndex}`);
  return (sandbox.admin.resources('cloudfront', account.id, 'us-east-1') as CloudFrontResources)
    .distributions;
}

/** An account with more than one page of distributions. */
function pagedAccount(): number {
  const index = [0, 1, 2].find((i) => seeded(i).length > 2);
  if (index === undefined) throw new Error('no account has more than 2 distributions');
  return index;
}

function client(accountIndex: number, region = 'us-east-1'): CloudFrontClient {
  return new CloudFrontClient(clientSettings(sandbox, { account: accountIndex, region, maxAttempts: 1 }));
}

/** What a summary's counted parts and identity must be, read the same from the SDK and the CLIs. */
interface Summary {
  Id?: string;
  ARN?: string;
  DomainName?: string;
  Status?: string;
  Comment?: string;
  Enabled?: boolean;
  PriceClass?: string;
  Aliases?: { Quantity?: number; Items?: string[] };
  Origins?: { Quantity?: number; Items?: { Id?: string; DomainName?: string }[] };
  OriginGroups?: {
    Quantity?: number;
    Items?: { Id?: string; Members?: { Items?: { OriginId?: string }[] } }[];
  };
  CacheBehaviors?: { Quantity?: number; Items?: { PathPattern?: string; TargetOriginId?: string }[] };
  DefaultCacheBehavior?: { TargetOriginId?: string; ViewerProtocolPolicy?: string };
  Restrictions?: unknown;
  ViewerCertificate?: unknown;
  WebACLId?: string;
  HttpVersion?: string;
  IsIPV6Enabled?: boolean;
  Staging?: boolean;
  CustomErrorResponses?: { Quantity?: number };
}

function essentials(s: Summary) {
  return {
    Id: s.Id,
    ARN: s.ARN,
    DomainName: s.DomainName,
    Status: s.Status,
    Comment: s.Comment,
    Enabled: s.Enabled,
    PriceClass: s.PriceClass,
    Aliases: { Quantity: s.Aliases?.Quantity, Items: s.Aliases?.Items ?? [] },
    Origins: {
      Quantity: s.Origins?.Quantity,
      Items: (s.Origins?.Items ?? []).map((o) => ({ Id: o.Id, DomainName: o.DomainName })),
    },
    OriginGroups: {
      Quantity: s.OriginGroups?.Quantity,
      Items: (s.OriginGroups?.Items ?? []).map((g) => ({
        Id: g.Id,
        Members: (g.Members?.Items ?? []).map((m) => m.OriginId),
      })),
    },
    CacheBehaviors: {
      Quantity: s.CacheBehaviors?.Quantity,
      Items: (s.CacheBehaviors?.Items ?? []).map((b) => ({
        PathPattern: b.PathPattern,
        TargetOriginId: b.TargetOriginId,
      })),
    },
    DefaultTarget: s.DefaultCacheBehavior?.TargetOriginId,
  };
}

function expected(d: Distribution) {
  return {
    Id: d.id,
    ARN: d.arn,
    DomainName: d.domainName,
    Status: 'Deployed',
    Comment: d.comment,
    Enabled: d.enabled,
    PriceClass: d.priceClass,
    Aliases: { Quantity: d.aliases.length, Items: [...d.aliases] },
    Origins: {
      Quantity: d.origins.length,
      Items: d.origins.map((o) => ({ Id: o.id, DomainName: o.domainName })),
    },
    OriginGroups: {
      Quantity: d.originGroups.length,
      Items: d.originGroups.map((g) => ({ Id: g.id, Members: [...g.members] })),
    },
    CacheBehaviors: {
      Quantity: d.cacheBehaviors.length,
      Items: d.cacheBehaviors.map((b) => ({ PathPattern: b.pathPattern, TargetOriginId: b.targetOriginId })),
    },
    DefaultTarget: d.origins[0]?.id,
  };
}

/** Every member the model requires of a DistributionSummary is there. */
function expectRequiredMembers(s: Summary & { LastModifiedTime?: unknown }): void {
  for (const member of [
    'Id',
    'ARN',
    'Status',
    'LastModifiedTime',
    'DomainName',
    'Aliases',
    'Origins',
    'DefaultCacheBehavior',
    'CacheBehaviors',
    'CustomErrorResponses',
    'Comment',
    'PriceClass',
    'Enabled',
    'ViewerCertificate',
    'Restrictions',
    'WebACLId',
    'HttpVersion',
    'IsIPV6Enabled',
    'Staging',
  ]) {
    expect(s, member).toHaveProperty(member);
  }
}

describe('CloudFront through the SDK, pages of 2', () => {
  it('seeds every account with distributions in us-east-1 only, one near its cache-behavior quota', () => {
    for (const index of [0, 1, 2]) {
      const distributions = seeded(index);
      expect(distributions.length).toBeGreaterThanOrEqual(1);
      for (const d of distributions) {
        expect(d.id).toMatch(/^E[A-Z0-9]{13}$/);
        expect(d.origins.length).toBeGreaterThanOrEqual(1);
        for (const group of d.originGroups) {
          for (const member of group.members) expect(d.origins.map((o) => o.id)).toContain(member);
        }
        expect(d.cacheBehaviors.length + 1).toBeLessThan(25);
      }
      // With the default one, the busiest distribution's cache behaviors are at 80% or more of 25.
      expect(Math.max(...distributions.map((d) => d.cacheBehaviors.length + 1))).toBeGreaterThanOrEqual(20);
      const account = sandbox.admin.accounts()[index];
      expect(sandbox.admin.resources('cloudfront', account?.id ?? '', 'us-west-2')).toEqual({
        distributions: [],
      });
    }
  });

  it('ListDistributions: every page of 2, CloudFront markers (the last id of the page before), every seeded distribution', async () => {
    for (const index of [0, 1, 2]) {
      const distributions = seeded(index);
      const before = sandbox.admin.callTotal({ operation: 'ListDistributions' });
      const listed: Summary[] = [];
      let marker: string | undefined;
      let pages = 0;
      do {
        const { DistributionList: page } = await client(index).send(
          new ListDistributionsCommand({ Marker: marker }),
        );
        if (!page) throw new Error('no DistributionList');
        pages++;
        expect(page.Marker).toBe(marker ?? '');
        expect(page.MaxItems).toBe(2);
        expect(page.Quantity).toBe(page.Items?.length ?? 0);
        for (const item of page.Items ?? []) {
          expectRequiredMembers(item);
          expect(item.LastModifiedTime).toBeInstanceOf(Date);
        }
        listed.push(...(page.Items ?? []));
        expect(page.IsTruncated).toBe(page.NextMarker !== undefined);
        if (page.NextMarker !== undefined) expect(page.NextMarker).toBe(listed[listed.length - 1]?.Id);
        marker = page.NextMarker;
      } while (marker !== undefined);
      expect(listed.map(essentials)).toEqual(distributions.map(expected));
      expect(pages).toBe(Math.ceil(distributions.length / 2));
      expect(sandbox.admin.callTotal({ operation: 'ListDistributions' }) - before).toBe(pages);
    }
  });

  it('leaves Items out of empty lists, as CloudFront does', async () => {
    const index = pagedAccount();
    const { DistributionList: page } = await client(index).send(
      new ListDistributionsCommand({ MaxItems: 100 }),
    );
    for (const item of page?.Items ?? []) {
      if (item.OriginGroups?.Quantity === 0) expect(item.OriginGroups.Items).toBeUndefined();
      expect(item.CustomErrorResponses).toEqual({ Quantity: 0 });
    }
  });

  it('is global: a client of another region sees the same distributions', async () => {
    const { DistributionList: page } = await client(0, 'eu-west-1').send(new ListDistributionsCommand({}));
    expect(page?.Items?.map((d) => d.Id)).toEqual(
      seeded(0)
        .slice(0, 2)
        .map((d) => d.id),
    );
  });
});

describe('CloudFront errors, in its own shape', () => {
  it('InvalidArgument, 400, for a marker that names no distribution and a bad MaxItems', async () => {
    expect(
      await failureOf(client(0).send(new ListDistributionsCommand({ Marker: 'ENOSUCHDIST' }))),
    ).toMatchObject({
      name: 'InvalidArgument',
      status: 400,
    });
    expect(await failureOf(client(0).send(new ListDistributionsCommand({ MaxItems: 0 })))).toMatchObject({
      name: 'InvalidArgument',
      status: 400,
    });
  });

  it('the error document: <ErrorResponse> in CloudFront’s namespace with Type, Code, Message and RequestId', async () => {
    const reply = await signedGet(sandbox, {
      service: 'cloudfront',
      path: '/2020-05-31/distribution',
      query: { MaxItems: 'many' },
    });
    expect(reply.status).toBe(400);
    expect(reply.text).toMatch(
      new RegExp(
        `^<\\?xml version="1.0" encoding="UTF-8"\\?>\\n<ErrorResponse xmlns="${NAMESPACE}"><Error><Type>Sender</Type>` +
          '<Code>InvalidArgument</Code><Message>Value &apos;many&apos; for parameter MaxItems is invalid.</Message></Error>' +
          '<RequestId>[0-9a-f-]{36}</RequestId></ErrorResponse>$',
      ),
    );
    const page = await signedGet(sandbox, { service: 'cloudfront', path: '/2020-05-31/distribution' });
    expect(page.status).toBe(200);
    expect(page.text).toContain(`<DistributionList xmlns="${NAMESPACE}"><Marker></Marker>`);
    expect(page.text).toContain('<Items><DistributionSummary><Id>');
  });

  it('AccessDenied, 403, naming the action', async () => {
    sandbox.admin.configure({ denials: [{ operation: 'ListDistributions' }] });
    try {
      const denied = await failureOf(client(1).send(new ListDistributionsCommand({})));
      expect(denied).toMatchObject({ name: 'AccessDenied', status: 403 });
      expect(denied.message).toContain('is not authorized to perform: cloudfront:ListDistributions');
    } finally {
      sandbox.admin.configure({ denials: [] });
    }
  });
});

describe('CloudFront throttling (10 per second and a burst of 10, assumed), with the clock held still', () => {
  const frozen = Date.now();
  const held = sandboxForTests({ throttle: 'aws', wallClock: () => frozen });

  it('lets 20 through and answers the rest Throttling, 400, "Rate exceeded"', async () => {
    const cf = new CloudFrontClient(clientSettings(held, { maxAttempts: 1 }));
    const outcomes = await Promise.all(
      Array.from({ length: 24 }, () => outcomeOf(cf.send(new ListDistributionsCommand({})))),
    );
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(20);
    expect(outcomes.filter((o) => o !== 'ok')).toEqual(Array(4).fill('Throttling 400 Rate exceeded'));
  });
});

describe.each(AWS_CLIS)('CloudFront through $label', (cli) => {
  checkAwsCliFirst(cli);

  const options = (accountIndex: number) => cliOptions(sandbox, accountIndex);

  it('list-distributions follows every page of 2 to the seeded distributions', async () => {
    const index = pagedAccount();
    const out = await awsCliJson<{ DistributionList: { Items: (Summary & { LastModifiedTime: string })[] } }>(
      cli,
      ['cloudfront', 'list-distributions'],
      options(index),
    );
    const items = out.DistributionList.Items;
    for (const item of items) expectRequiredMembers(item);
    expect(items.map(essentials)).toEqual(seeded(index).map(expected));
    expect(items.map((d) => Date.parse(d.LastModifiedTime))).toEqual(
      seeded(index).map((d) => d.lastModified.getTime()),
    );
  });

  it('list-distributions with a marker that names no distribution fails with InvalidArgument', async () => {
    const result = await runAwsCli(
      cli,
      ['cloudfront', 'list-distributions', '--starting-token', 'ENOSUCHDIST'],
      options(0),
    );
    expect(result.code).toBe(cli.serviceErrorExitCode);
    expect(result.stderr).toContain('(InvalidArgument)');
  });
});
