/**
 * headroom.yaml, as one zod schema: the single source of the `Config` type, the validation
 * messages (through `fields.ts`), the environment overrides (`env.ts`) and the checked-in JSON
 * Schema (`docs/headroom.schema.json`, `scripts/build-config-schema.ts`). Every field is optional;
 * parsing fills the defaults, turns durations into milliseconds and checks fields against each
 * other (unique accounts, aliases naming known accounts, roles in their own account).
 * Documented field by field in docs/configuration.md.
 */
import * as z from 'zod';
import { ROLE_ARN_PATTERN } from '../domain/inventory.js';
import { SERVICE_CODE_PATTERN } from '../domain/quota.js';
import { ACCOUNT_ID_PATTERN, REGION_PATTERN } from '../domain/target.js';
import { LOG_LEVELS } from '../logging/levels.js';
import { formatDuration } from './duration.js';
import { field } from './fields.js';
import {
  BUILT_IN_PRICES,
  BUILT_IN_DEPENDENCIES,
  checkEngine,
  engineSection,
  includeSchema,
  notificationsSection,
  pricesSchema,
  resolveSettings,
  rulesSchema,
} from './engine-schema.js';
import { DAY, duration, MINUTE, section, uniqueList, WHEN_VALID } from './schema-parts.js';
import type { Rule, RuleSettings } from '../domain/rule.js';

/** Where headroom keeps its data when neither the file nor HEADROOM_HOME says otherwise. */
export const DEFAULT_HOME = '~/.headroom';

/** The shape of an AWS region name: the domain's rule. */
export { REGION_PATTERN };
const NAME_PATTERN = /^[A-Za-z][A-Za-z0-9._-]{0,63}$/;
const ROLE_SESSION_NAME_PATTERN = /^[\w+=,.@-]{2,64}$/;
const EXTERNAL_ID_PATTERN = /^[\w+=,.@:/-]{2,1224}$/;
/** A host name or an IPv4/IPv6 address to listen on. */
const HOST_PATTERN =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)$/;
/** Where `headroom serve` listens unless told otherwise (no well-known exporter uses 9877). */
export const DEFAULT_SERVE_PORT = 9877;
const ALIAS_TARGET_PATTERN = /^(\d{12}|[A-Za-z][A-Za-z0-9._-]{0,63}):([a-z]{2}(?:-[a-z]+)+-\d+)$/;

/** A profile in ~/.aws/config; SSO and role_arn profiles work, since the SDK resolves them. */
function profile(description: string, env?: `HEADROOM_${string}`) {
  return field(z.string().min(1), description, {
    expected: 'the name of a profile in ~/.aws/config',
    example: 'prod',
    ...(env === undefined ? {} : { env }),
  });
}

const region = field(z.string().regex(REGION_PATTERN), 'An AWS region name.', {
  expected: 'an AWS region name such as eu-west-1',
  example: 'eu-west-1',
});

/** `regions:` as written: a list, `all` (every enabled region) or `in-use` (regions running EC2 instances). */
function regionSpec(description: string, env?: `HEADROOM_${string}`) {
  return field(z.union([z.enum(['all', 'in-use']), uniqueList(region, 'region').min(1)]), description, {
    expected: 'all, in-use, or a list of AWS regions such as [us-east-1, eu-west-1]',
    example: ['us-east-1', 'eu-west-1'],
    hint: (input) =>
      typeof input === 'string' && REGION_PATTERN.test(input)
        ? `write a list, even of one region: [${input}]`
        : undefined,
    ...(env === undefined ? {} : { env }),
  });
}

function accountIdList(description: string) {
  const id = field(z.string().regex(ACCOUNT_ID_PATTERN), 'A 12-digit AWS account id, as a quoted string.', {
    expected: 'a 12-digit account id in quotes',
    example: '123456789012',
  });
  return field(uniqueList(id, 'account'), description, {
    expected: "a list of 12-digit account ids in quotes such as ['123456789012']",
    example: ['123456789012'],
  });
}

function serviceList(description: string) {
  const code = field(z.string().regex(SERVICE_CODE_PATTERN), 'A Service Quotas service code.', {
    expected: 'a Service Quotas service code such as ec2',
    example: 'ec2',
  });
  return field(uniqueList(code, 'service'), description, {
    expected: 'a list of Service Quotas service codes such as [ec2, vpc]',
    example: ['ec2', 'vpc'],
  });
}

function logLevel(description: string, env?: `HEADROOM_${string}`) {
  return field(z.enum(LOG_LEVELS), description, {
    expected: `one of ${LOG_LEVELS.join(', ')}`,
    example: 'info',
    ...(env === undefined ? {} : { env }),
  });
}

const account = field(
  z
    .strictObject({
      id: field(z.string().regex(ACCOUNT_ID_PATTERN), 'The 12-digit AWS account id, as a quoted string.', {
        expected: 'a 12-digit account id in quotes',
        example: '123456789012',
        hint: (input) => {
          if (typeof input !== 'number' || !Number.isSafeInteger(input) || input < 0) return undefined;
          const digits = String(input);
          if (digits.length === 12) return `put it in quotes: id: '${digits}'`;
          if (digits.length === 11) {
            return `put it in quotes with its leading zero: id: '0${digits}' (unquoted, YAML reads a number and drops the zero)`;
          }
          return undefined;
        },
      }),
      name: field(
        z.string().regex(NAME_PATTERN),
        'A display name, unique among accounts; usable as ACCOUNT in aliases and targets.',
        { expected: 'a name of letters, digits, . _ or - that starts with a letter', example: 'prod' },
      ).optional(),
      profile: profile(
        'A profile whose credentials read this account (instead of the base credentials). Not with roleArn.',
      ).optional(),
      roleArn: field(
        z.string().regex(ROLE_ARN_PATTERN),
        'A role in this account that headroom assumes from the base credentials. Not with profile.',
        {
          expected: 'an IAM role ARN such as arn:aws:iam::123456789012:role/headroom',
          example: 'arn:aws:iam::123456789012:role/headroom',
        },
      ).optional(),
      externalId: field(
        z.string().regex(EXTERNAL_ID_PATTERN),
        'The external id the role requires; only with roleArn.',
        {
          expected: '2 to 1224 letters, digits or + = , . @ : / _ -',
          example: 'headroom-7f3a',
        },
      ).optional(),
      regions: regionSpec(
        'The regions to read in this account, instead of the top-level regions: a list, all or in-use.',
      ).optional(),
    })
    .superRefine((entry, ctx) => {
      if (entry.profile !== undefined && entry.roleArn !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['roleArn'],
          message: 'cannot be set together with profile',
          params: {
            hint: 'keep one: profile reads the account with its own credentials, roleArn assumes a role from the base credentials',
          },
        });
      }
      if (entry.externalId !== undefined && entry.roleArn === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['externalId'],
          message: 'only applies with roleArn',
          params: { hint: 'add the roleArn that requires it, or remove externalId' },
        });
      }
      const arnAccount = entry.roleArn === undefined ? undefined : ROLE_ARN_PATTERN.exec(entry.roleArn)?.[1];
      if (arnAccount !== undefined && arnAccount !== entry.id) {
        ctx.addIssue({
          code: 'custom',
          path: ['roleArn'],
          message: `is a role in account ${arnAccount}, not in this account (${entry.id})`,
          params: {
            hint: `use a role in ${entry.id}, such as arn:aws:iam::${entry.id}:role/headroom, or correct id`,
          },
        });
      }
    }, WHEN_VALID),
  'An account to read, and how to get its credentials.',
  { expected: 'a mapping with at least an id', example: { id: '123456789012' } },
);

/** The type of an account source: the same words in every option of `inventory.sources`. */
function sourceType<T extends 'profiles' | 'organizations' | 'sql'>(type: T) {
  return field(z.literal(type), 'The kind of source.', {
    expected: 'profiles, organizations or sql',
    example: type,
  });
}

const sourceName = field(
  z.string().regex(NAME_PATTERN),
  'The name the source is shown and cached under, unique among sources. Default: its type.',
  { expected: 'a name of letters, digits, . _ or - that starts with a letter', example: 'cmdb' },
).optional();

const sourceRegions = regionSpec(
  'The regions of the accounts this source finds (a row or static entry may say otherwise): a list, all or in-use.',
).optional();

const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** A basic-authentication user name: no colon (it ends the name) and no white space. */
const BASIC_USER_PATTERN = /^[^:\s]{1,64}$/;
const ROLE_NAME_PATTERN = /^[\w+=,.@-]{1,64}$/;
/** A column name as the CMDB's query returns it (an alias in the query, or the table's own). */
const COLUMN_PATTERN = /^[A-Za-z_][A-Za-z0-9_$]{0,63}$/;

function column(description: string, example: string) {
  return field(z.string().regex(COLUMN_PATTERN), description, {
    expected: 'a column name of letters, digits or _ that starts with a letter or _',
    example,
  });
}

const profilesSource = z.strictObject({
  type: sourceType('profiles'),
  name: sourceName,
  profiles: field(
    uniqueList(
      field(z.string().min(1), 'A profile name, or a glob with * and ? over the profile names.', {
        expected: 'a profile name or a glob such as prod-*',
        example: 'prod-*',
      }),
      'profile',
    ).min(1),
    "Profiles in ~/.aws/config or ~/.aws/credentials to read accounts with: names, or globs over the profile names (each profile's account from STS GetCallerIdentity).",
    { expected: 'a list of profile names or globs such as [prod, team-*]', example: ['prod', 'team-*'] },
  ),
  regions: sourceRegions,
});

const organizationsSource = z
  .strictObject({
    type: sourceType('organizations'),
    name: sourceName,
    profile: profile(
      'A profile of the management or delegated administrator account to list accounts with. Default: the base credentials. Not with roleArn.',
    ).optional(),
    roleArn: field(
      z.string().regex(ROLE_ARN_PATTERN),
      'A role in the management or delegated administrator account, assumed from the base credentials, to list accounts with. Not with profile.',
      {
        expected: 'an IAM role ARN such as arn:aws:iam::123456789012:role/headroom-org',
        example: 'arn:aws:iam::123456789012:role/headroom-org',
      },
    ).optional(),
    memberRole: field(
      z.string().regex(ROLE_NAME_PATTERN),
      'The role headroom assumes in each member account (the listing account itself is read with its own credentials).',
      {
        expected: 'an IAM role name of 1 to 64 letters, digits or + = , . @ _ -',
        example: 'OrganizationAccountAccessRole',
      },
    ).prefault('OrganizationAccountAccessRole'),
    include: accountIdList(
      'Only these accounts of the organisation. Default: every active account.',
    ).prefault([]),
    exclude: accountIdList('Accounts of the organisation to leave out.').prefault([]),
    regions: sourceRegions,
  })
  .superRefine((source, ctx) => {
    if (source.profile !== undefined && source.roleArn !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['roleArn'],
        message: 'cannot be set together with profile',
        params: {
          hint: 'keep one: the profile lists accounts with its own credentials, roleArn assumes a role',
        },
      });
    }
  }, WHEN_VALID);

const sqlSource = z
  .strictObject({
    type: sourceType('sql'),
    name: sourceName,
    engine: field(
      z.enum(['mysql', 'mariadb', 'postgres']),
      'The CMDB database: mysql or mariadb (one driver), or postgres.',
      { expected: 'mysql, mariadb or postgres', example: 'mariadb' },
    ),
    host: field(z.string().min(1).max(253), 'The database host. Default: 127.0.0.1 (unless socket is set).', {
      expected: 'a host name or IP address',
      example: 'cmdb.internal',
    }).optional(),
    port: field(
      z.int().min(1).max(65_535),
      'The database port. Default: 3306 (mysql, mariadb) or 5432 (postgres).',
      {
        expected: 'a port number from 1 to 65535',
        example: 3306,
      },
    ).optional(),
    socket: field(
      z.string().min(1),
      'A unix socket to connect through instead of host and port (for postgres: the socket directory).',
      { expected: 'a socket path such as /run/mysqld/mysqld.sock', example: '/run/mysqld/mysqld.sock' },
    ).optional(),
    database: field(z.string().min(1).max(128), 'The database (schema) the query runs in.', {
      expected: 'a database name',
      example: 'cmdb',
    }),
    user: field(z.string().min(1).max(128), 'The database user (read-only is enough).', {
      expected: 'a user name',
      example: 'headroom',
    }),
    passwordEnv: field(
      z.string().regex(ENV_NAME_PATTERN),
      'The environment variable that holds the password; never the password itself. Leave out for socket or trust authentication.',
      { expected: 'an environment variable name such as CMDB_PASSWORD', example: 'CMDB_PASSWORD' },
    ).optional(),
    tls: field(z.boolean(), 'Connect over TLS, checking the server certificate against the system CAs.', {
      expected: 'true or false',
      example: false,
    }).prefault(false),
    query: field(
      z.string().trim().min(1).max(10_000),
      'The SELECT that lists the accounts: one row per account, with the columns named in columns (or aliased to their defaults).',
      {
        expected: 'a SELECT statement',
        example: 'SELECT account_id AS id, account_name AS name, role_arn, regions FROM aws_accounts',
      },
    ),
    columns: section(
      {
        id: column('The column with the 12-digit account id.', 'id').prefault('id'),
        name: column('The column with the account name.', 'name').prefault('name'),
        roleArn: column('The column with a role ARN to assume (optional in each row).', 'role_arn').prefault(
          'role_arn',
        ),
        regions: column(
          'The column with the regions: comma-separated text, a JSON array, all or in-use (optional in each row).',
          'regions',
        ).prefault('regions'),
      },
      'The columns the query returns. Defaults: id, name, role_arn, regions.',
      { id: 'account_id' },
    ).prefault({}),
    timeout: duration('How long connecting and the query may take, each: a duration from 1s to 5m.', {
      min: 1000,
      max: 5 * MINUTE,
      expected: 'a duration from 1s to 5m such as 10s',
      example: '10s',
    }).prefault('10s'),
    regions: sourceRegions,
  })
  .superRefine((source, ctx) => {
    if (source.socket !== undefined && (source.host !== undefined || source.port !== undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['socket'],
        message: 'cannot be set together with host or port',
        params: { hint: 'connect through the socket or over TCP (host, port), not both' },
      });
    }
  }, WHEN_VALID);

const inventory = section(
  {
    ttl: duration(
      'How long a discovered account list (and region discovery) is reused before asking its source again: a duration from 0s to 30d.',
      {
        min: 0,
        max: 30 * DAY,
        expected: 'a duration from 0s to 30d such as 24h',
        example: '24h',
      },
    ).prefault('24h'),
    sources: field(
      z.array(z.discriminatedUnion('type', [profilesSource, organizationsSource, sqlSource])),
      'Where accounts are found besides accounts: AWS profiles, AWS Organizations, SQL CMDBs.',
      {
        expected: 'a list of sources, each with a type (profiles, organizations or sql)',
        example: [{ type: 'organizations' }],
      },
    ).prefault([]),
  },
  'Account discovery: sources of accounts besides the static accounts list.',
  { sources: [{ type: 'organizations' }] },
).prefault({});

const fields = field(
  z.strictObject({
    home: field(
      z
        .string()
        .min(1)
        .refine((path) => !/^~[^/\\]/.test(path)),
      'The data directory (SQLite file, logs). `~` is your home directory; a relative path is relative to this file.',
      {
        expected: 'a directory path (~ or ~/… for your home directory; ~user is not supported)',
        example: DEFAULT_HOME,
        env: 'HEADROOM_HOME',
        // YAML reads a bare `~` as null.
        hint: (input) =>
          input === null ? "a bare ~ is YAML for nothing: write home: '~' (quoted) or ~/…" : undefined,
      },
    ).prefault(DEFAULT_HOME),
    aws: section(
      {
        profile: profile(
          'The base credentials. Default: the SDK default chain.',
          'HEADROOM_PROFILE',
        ).optional(),
        endpoint: field(
          z.url({ protocol: /^https?$/ }),
          'One endpoint for every AWS service, such as `headroom sandbox`.',
          {
            expected: 'an http:// or https:// URL',
            example: 'http://127.0.0.1:4566',
            env: 'HEADROOM_ENDPOINT',
          },
        ).optional(),
        retryMode: field(z.enum(['standard', 'adaptive']), 'The SDK retry strategy.', {
          expected: 'standard or adaptive',
          example: 'standard',
          env: 'HEADROOM_RETRY_MODE',
        }).prefault('standard'),
        maxAttempts: field(z.int().min(1).max(20), 'Attempts per AWS request, the first included.', {
          expected: 'a whole number from 1 to 20',
          example: 5,
          env: 'HEADROOM_MAX_ATTEMPTS',
        }).prefault(5),
        maxConcurrency: field(
          z.int().min(1).max(1024),
          'AWS requests in flight at once, across all targets.',
          {
            expected: 'a whole number from 1 to 1024',
            example: 64,
            env: 'HEADROOM_MAX_CONCURRENCY',
          },
        ).prefault(64),
        roleSessionName: field(
          z.string().regex(ROLE_SESSION_NAME_PATTERN),
          'The session name of assumed roles.',
          {
            expected: '2 to 64 letters, digits or + = , . @ _ -',
            example: 'headroom',
          },
        ).prefault('headroom'),
      },
      'How headroom reaches AWS.',
      { profile: 'prod' },
    ).prefault({}),
    accounts: field(z.array(account), 'The accounts to read. Default: the account of the base credentials.', {
      expected: 'a list of accounts',
      example: [{ id: '123456789012' }],
    }).prefault([]),
    inventory,
    regions: regionSpec(
      'The regions to read in every account: a list, all (every enabled region) or in-use (regions running EC2 instances).',
      'HEADROOM_REGIONS',
    ).prefault(['us-east-1']),
    aliases: field(
      z.record(
        field(z.string().regex(NAME_PATTERN), 'An alias name.', {
          expected: 'a name of letters, digits, . _ or - that starts with a letter',
          example: 'prod-use1',
        }),
        field(
          z.string().regex(ALIAS_TARGET_PATTERN),
          "A target: 'ACCOUNT:REGION', ACCOUNT an account id or name.",
          {
            expected: "'ACCOUNT:REGION', ACCOUNT a 12-digit account id or an account name",
            example: '123456789012:us-east-1',
          },
        ),
      ),
      'Short names for targets.',
      {
        expected: "a mapping of alias names to 'ACCOUNT:REGION'",
        example: { 'prod-use1': '123456789012:us-east-1' },
      },
    ).prefault({}),
    services: section(
      {
        include: serviceList('Service codes to read; empty means every service.').prefault([]),
        exclude: serviceList('Service codes to skip.').prefault([]),
      },
      'Which services to read.',
      { exclude: ['sagemaker'] },
    )
      .superRefine((services, ctx) => {
        services.exclude.forEach((code, index) => {
          if (services.include.includes(code)) {
            ctx.addIssue({
              code: 'custom',
              path: ['exclude', index],
              message: `(${code}) is also in services.include`,
              params: { hint: 'list a service in include or in exclude, not both' },
            });
          }
        });
      }, WHEN_VALID)
      .prefault({}),
    cache: section(
      {
        limitsTtl: duration(
          'How long read limits are reused before reading them again: a duration such as 24h (0s to 30d).',
          {
            min: 0,
            max: 30 * DAY,
            expected: 'a duration from 0s to 30d such as 24h',
            example: '24h',
            env: 'HEADROOM_LIMITS_TTL',
          },
        ).prefault('24h'),
        usageTtl: duration(
          'How long read usage is reused before reading it again: a duration such as 1h (0s to 30d).',
          {
            min: 0,
            max: 30 * DAY,
            expected: 'a duration from 0s to 30d such as 1h',
            example: '1h',
            env: 'HEADROOM_USAGE_TTL',
          },
        ).prefault('1h'),
      },
      'How long collected values stay fresh.',
      { limitsTtl: '24h' },
    ).prefault({}),
    usage: section(
      {
        source: field(
          z.enum(['auto', 'cloudwatch', 'utilization-report']),
          'Where usage comes from; auto picks per quota.',
          {
            expected: 'auto, cloudwatch or utilization-report',
            example: 'auto',
            env: 'HEADROOM_USAGE_SOURCE',
          },
        ).prefault('auto'),
        window: duration('How far back usage is read, the peak counting: a duration from 5m to 24h.', {
          min: 5 * MINUTE,
          max: DAY,
          expected: 'a duration from 5m to 24h such as 1h',
          example: '1h',
        }).prefault('1h'),
        period: duration('The CloudWatch period usage is read at: whole minutes (1m, 5m), at most window.', {
          min: MINUTE,
          max: DAY,
          step: MINUTE,
          expected: 'a whole number of minutes such as 1m or 5m',
          example: '1m',
        }).prefault('1m'),
      },
      'How usage is read.',
      { window: '1h' },
    )
      .superRefine((usage, ctx) => {
        if (usage.period > usage.window) {
          ctx.addIssue({
            code: 'custom',
            path: ['period'],
            message: `(${formatDuration(usage.period)}) is longer than usage.window (${formatDuration(usage.window)})`,
            params: { hint: 'make period at most window, e.g. period: 1m' },
          });
        }
      }, WHEN_VALID)
      .prefault({}),
    requests: section(
      {
        maxOpenPerRegion: field(
          z.int().min(1).max(1000),
          "How many increase requests may be open at once per account and region: AWS's cap (2). Raise it only if AWS raised it for you.",
          { expected: 'a whole number from 1 to 1000', example: 2 },
        ).prefault(2),
        maxOpenPerAccount: field(
          z.int().min(1).max(1000),
          "How many increase requests may be open at once per account: AWS's cap (20). Raise it only if AWS raised it for you.",
          { expected: 'a whole number from 1 to 1000', example: 20 },
        ).prefault(20),
      },
      "Increase requests: AWS's caps on open requests, which apply queues behind.",
      { maxOpenPerRegion: 2 },
    ).prefault({}),
    serve: section(
      {
        host: field(
          z.string().regex(HOST_PATTERN),
          'The address `headroom serve` listens on. Anything but loopback needs allowRemote and auth.',
          {
            expected: 'a host name or IP address such as 127.0.0.1',
            example: '127.0.0.1',
          },
        ).prefault('127.0.0.1'),
        port: field(
          z.int().min(0).max(65_535),
          'The TCP port `headroom serve` listens on; 0 picks a free one.',
          {
            expected: 'a whole number from 0 to 65535',
            example: DEFAULT_SERVE_PORT,
          },
        ).prefault(DEFAULT_SERVE_PORT),
        allowRemote: field(
          z.boolean(),
          'Allow listening on a non-loopback address. The dashboard, the API and /metrics then also need auth (a token or basic authentication).',
          { expected: 'true or false', example: false },
        ).prefault(false),
        schedule: section(
          {
            accounts: duration(
              'How often the accounts and regions are discovered again: a duration from 1m to 30d.',
              {
                min: MINUTE,
                max: 30 * DAY,
                expected: 'a duration from 1m to 30d such as 1d',
                example: '1d',
              },
            ).prefault('1d'),
            limits: duration("How often every target's limits are read again: a duration from 1m to 30d.", {
              min: MINUTE,
              max: 30 * DAY,
              expected: 'a duration from 1m to 30d such as 1d',
              example: '1d',
            }).prefault('1d'),
            usage: duration("How often every target's usage is read again: a duration from 1m to 30d.", {
              min: MINUTE,
              max: 30 * DAY,
              expected: 'a duration from 1m to 30d such as 1h',
              example: '1h',
            }).prefault('1h'),
          },
          'How often `headroom serve` runs each job.',
          { usage: '1h' },
        ).prefault({}),
        jitter: field(
          z.number().min(0).max(0.5),
          'How much each interval varies at random, as a fraction of it (0.1: ±10%), so many servers do not call AWS in step.',
          { expected: 'a number from 0 to 0.5', example: 0.1 },
        ).prefault(0.1),
        auth: section(
          {
            tokenEnv: field(
              z.string().regex(ENV_NAME_PATTERN),
              'The environment variable that holds the bearer token; never the token itself. When it is set, every page, API call and /metrics needs the token.',
              {
                expected: 'an environment variable name such as HEADROOM_SERVE_TOKEN',
                example: 'HEADROOM_SERVE_TOKEN',
              },
            ).prefault('HEADROOM_SERVE_TOKEN'),
            username: field(
              z.string().regex(BASIC_USER_PATTERN),
              'The user name of HTTP basic authentication (with passwordEnv): every page, API call and /metrics then needs it.',
              { expected: 'a user name of 1 to 64 characters, without spaces or colons', example: 'ops' },
            ).optional(),
            passwordEnv: field(
              z.string().regex(ENV_NAME_PATTERN),
              "The environment variable that holds basic authentication's password; never the password itself.",
              {
                expected: 'an environment variable name such as HEADROOM_SERVE_PASSWORD',
                example: 'HEADROOM_SERVE_PASSWORD',
              },
            ).optional(),
            sessionTtl: duration(
              'How long a dashboard sign-in with the token lasts: a duration from 5m to 30d.',
              {
                min: 5 * MINUTE,
                max: 30 * DAY,
                expected: 'a duration from 5m to 30d such as 12h',
                example: '12h',
              },
            ).prefault('12h'),
          },
          'Who may use `headroom serve`: a bearer token, HTTP basic authentication, or both. Needed to listen beyond loopback.',
          { username: 'ops', passwordEnv: 'HEADROOM_SERVE_PASSWORD' },
        )
          .superRefine((auth, ctx) => {
            if ((auth.username === undefined) === (auth.passwordEnv === undefined)) return;
            const missing = auth.username === undefined ? 'username' : 'passwordEnv';
            ctx.addIssue({
              code: 'custom',
              path: [missing],
              message: `is needed with ${missing === 'username' ? 'passwordEnv' : 'username'} for basic authentication`,
              params: { hint: 'set both username and passwordEnv, or neither' },
            });
          }, WHEN_VALID)
          .prefault({}),
      },
      '`headroom serve`: where it listens and how often it collects.',
      { port: DEFAULT_SERVE_PORT },
    ).prefault({}),
    include: includeSchema.prefault([]),
    rules: rulesSchema.prefault([]),
    engine: engineSection.prefault({}),
    prices: pricesSchema.prefault({}),
    notifications: notificationsSection.prefault({}),
    log: section(
      {
        level: logLevel('What reaches stderr.', 'HEADROOM_LOG_LEVEL').prefault('info'),
        fileLevel: logLevel('What reaches the daily log file under home.').prefault('debug'),
        retentionDays: field(z.int().min(1).max(365), 'How many days of log files to keep.', {
          expected: 'a whole number of days from 1 to 365',
          example: 14,
        }).prefault(14),
      },
      'What headroom logs, and where.',
      { level: 'info' },
    ).prefault({}),
  }),
  'headroom.yaml: what headroom reads, and how.',
  { expected: 'a mapping of settings', example: { regions: ['us-east-1'] } },
);

type Fields = z.output<typeof fields>;

/** Checks that span fields; they run once every field is valid on its own. */
function checkAcrossFields(input: Fields, ctx: z.RefinementCtx): void {
  checkEngine(input, ctx);
  const seen = { id: new Map<string, number>(), name: new Map<string, number>() };
  input.accounts.forEach((entry, index) => {
    for (const key of ['id', 'name'] as const) {
      const value = entry[key];
      if (value === undefined) continue;
      const first = seen[key].get(value);
      if (first === undefined) {
        seen[key].set(value, index);
        continue;
      }
      ctx.addIssue({
        code: 'custom',
        path: ['accounts', index, key],
        message: `(${value}) repeats accounts.${first}.${key}`,
        params: { hint: key === 'id' ? 'list each account once' : 'give each account its own name' },
      });
    }
  });
  const sourceNames = new Map<string, number>();
  input.inventory.sources.forEach((source, index) => {
    const name = source.name ?? source.type;
    const first = sourceNames.get(name);
    if (first === undefined) {
      sourceNames.set(name, index);
      return;
    }
    ctx.addIssue({
      code: 'custom',
      path: ['inventory', 'sources', index, 'name'],
      message: `(${name}) repeats the name of inventory.sources.${first}`,
      params: { hint: 'give each source its own name (the default name is its type)' },
    });
  });
  // Discovered accounts have names only known at run time: aliases may name them.
  if (input.inventory.sources.length > 0) return;
  const names = [...seen.name.keys()];
  for (const [alias, target] of Object.entries(input.aliases)) {
    const accountPart = target.slice(0, target.lastIndexOf(':'));
    if (ACCOUNT_ID_PATTERN.test(accountPart) || seen.name.has(accountPart)) continue;
    ctx.addIssue({
      code: 'custom',
      path: ['aliases', alias],
      message: `names account ${accountPart}, which is no account's name in accounts`,
      params: {
        hint:
          names.length === 0
            ? 'write the 12-digit account id, or give the account that name under accounts'
            : `write the 12-digit account id or one of: ${names.join(', ')}`,
      },
    });
  }
}

/**
 * Fills what the file leaves to other fields and renames durations to their unit. Optional values
 * the file leaves out stay `undefined`, as the AWS SDK takes them.
 */
function normalise(input: Fields) {
  return {
    /** The data directory; absolute once loaded (`loadConfig`, `parseConfig`). */
    home: input.home,
    aws: {
      profile: input.aws.profile,
      endpoint: input.aws.endpoint,
      retryMode: input.aws.retryMode,
      maxAttempts: input.aws.maxAttempts,
      maxConcurrency: input.aws.maxConcurrency,
      roleSessionName: input.aws.roleSessionName,
    },
    /** Empty: the account of the base credentials only. */
    accounts: input.accounts.map((entry) => ({
      id: entry.id,
      name: entry.name,
      profile: entry.profile,
      roleArn: entry.roleArn,
      externalId: entry.externalId,
      /** The account's own regions, else the top-level ones. */
      regions: entry.regions ?? input.regions,
    })),
    /** A list, `all` or `in-use`. */
    regions: input.regions,
    inventory: {
      ttlMs: input.inventory.ttl,
      /** Each source with its name (default: its type) and its settings filled. */
      sources: input.inventory.sources.map((source) => ({ ...source, name: source.name ?? source.type })),
    },
    /** Alias → `ACCOUNT:REGION`; ACCOUNT is an id or the name of an entry in `accounts`. */
    aliases: input.aliases,
    /** Empty include: every service. */
    services: { include: input.services.include, exclude: input.services.exclude },
    cache: { limitsTtlMs: input.cache.limitsTtl, usageTtlMs: input.cache.usageTtl },
    usage: {
      source: input.usage.source,
      windowMs: input.usage.window,
      periodSeconds: input.usage.period / 1000,
    },
    requests: {
      maxOpenPerRegion: input.requests.maxOpenPerRegion,
      maxOpenPerAccount: input.requests.maxOpenPerAccount,
    },
    serve: {
      host: input.serve.host,
      port: input.serve.port,
      allowRemote: input.serve.allowRemote,
      schedule: {
        accountsMs: input.serve.schedule.accounts,
        limitsMs: input.serve.schedule.limits,
        usageMs: input.serve.schedule.usage,
      },
      jitter: input.serve.jitter,
      auth: {
        tokenEnv: input.serve.auth.tokenEnv,
        username: input.serve.auth.username,
        passwordEnv: input.serve.auth.passwordEnv,
        sessionTtlMs: input.serve.auth.sessionTtl,
      },
    },
    log: { level: input.log.level, fileLevel: input.log.fileLevel, retentionDays: input.log.retentionDays },
    /** Rule files to add (the loader reads them); empty once loaded. */
    include: input.include,
    engine: engineOf(input),
    /** Monthly price of one unit, by `SERVICE/CODE` or `SERVICE/*`: the built-in table under the file's. */
    prices: { ...BUILT_IN_PRICES, ...input.prices },
    notifications: {
      channels: input.notifications.channels,
      attempts: input.notifications.attempts,
      timeoutMs: input.notifications.timeout,
    },
  };
}

/** The rules with every setting filled (their own, else engine.defaults, else built in). */
function engineOf(input: Fields) {
  const channels = Object.keys(input.notifications.channels);
  const defaults: RuleSettings = resolveSettings(input.engine.defaults, {}, channels);
  const rules: Rule[] = input.rules.map(({ name, match, ...own }, index) => ({
    name,
    index,
    file: '',
    match,
    ...resolveSettings(own, input.engine.defaults, channels),
    own: (Object.keys(own) as (keyof typeof own)[]).flatMap((key): (keyof RuleSettings)[] =>
      own[key] === undefined ? [] : [key === 'cooldown' ? 'cooldownMs' : key],
    ),
  }));
  return {
    defaults,
    rules,
    supportCasesPerHour: input.engine.supportCasesPerHour,
    approvalTtlMs: input.engine.approvalTtl,
    forecastHorizonMs: input.engine.forecastHorizon,
    spikes: {
      enabled: input.engine.spikes.enabled,
      medium: input.engine.spikes.medium,
      high: input.engine.spikes.high,
      baselineMs: input.engine.spikes.baseline,
      minBaseline: input.engine.spikes.minBaseline,
    },
    dependencies: { ...BUILT_IN_DEPENDENCIES, ...input.engine.dependencies } as Readonly<
      Record<string, readonly string[]>
    >,
    dependencyThreshold: input.engine.dependencyThreshold,
  };
}

/**
 * The whole schema: parse a headroom.yaml document (as plain data) into a `Config`. Prefer
 * `loadConfig` or `parseConfig`, which turn issues into one-line `ConfigError`s and make `home`
 * absolute.
 */
export const configSchema = fields.superRefine(checkAcrossFields, WHEN_VALID).transform(normalise);

/** headroom.yaml as written: every field optional. */
export type ConfigInput = z.input<typeof configSchema>;

/** headroom.yaml normalised: every default filled, durations in ms, `home` absolute. */
export type Config = z.output<typeof configSchema>;

/**
 * The JSON Schema of headroom.yaml as written (the input side), for editors. Checked in as
 * docs/headroom.schema.json by `npx tsx scripts/build-config-schema.ts`.
 */
export function configJsonSchema(): Record<string, unknown> {
  const { $schema, ...rest } = z.toJSONSchema(configSchema, { io: 'input' });
  return { $schema, title: 'headroom.yaml', ...rest };
}
