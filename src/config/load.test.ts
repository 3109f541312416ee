/**
 * loadConfig against real files in temp dirs: defaults, every field's bad value, the environment
 * on top, and how the file is found.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BUILT_IN_DEPENDENCIES, BUILT_IN_PRICES } from './engine-schema.js';
import { ConfigError } from '../domain/errors.js';
import { loadConfig, parseConfig } from './load.js';
import type { Config } from './schema.js';

let root: string;
let home: string;
let cwd: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'headroom-config-'));
  home = join(root, 'home');
  cwd = join(root, 'work');
  await mkdir(home);
  await mkdir(cwd);
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const yaml = (...lines: string[]): string => `${lines.join('\n')}\n`;

async function write(path: string, text: string): Promise<string> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
  return path;
}

function load(env: NodeJS.ProcessEnv = {}, path?: string) {
  return loadConfig({ cwd, env: { HOME: home, ...env }, ...(path === undefined ? {} : { path }) });
}

async function loadYaml(text: string, env: NodeJS.ProcessEnv = {}) {
  await write(join(cwd, 'headroom.yaml'), text);
  return load(env);
}

async function rejection(promise: Promise<unknown>): Promise<ConfigError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

function defaults(): Config {
  return {
    home: join(home, '.headroom'),
    aws: {
      profile: undefined,
      endpoint: undefined,
      retryMode: 'standard',
      maxAttempts: 5,
      maxConcurrency: 64,
      roleSessionName: 'headroom',
    },
    accounts: [],
    regions: ['us-east-1'],
    inventory: { ttlMs: 24 * 3_600_000, sources: [] },
    aliases: {},
    services: { include: [], exclude: [] },
    cache: { limitsTtlMs: 24 * 3_600_000, usageTtlMs: 3_600_000 },
    usage: { source: 'auto', windowMs: 3_600_000, periodSeconds: 60 },
    requests: { maxOpenPerRegion: 2, maxOpenPerAccount: 20 },
    serve: {
      host: '127.0.0.1',
      port: 9877,
      allowRemote: false,
      schedule: { accountsMs: 24 * 3_600_000, limitsMs: 24 * 3_600_000, usageMs: 3_600_000 },
      jitter: 0.1,
      auth: {
        tokenEnv: 'HEADROOM_SERVE_TOKEN',
        username: undefined,
        passwordEnv: undefined,
        sessionTtlMs: 12 * 3_600_000,
      },
    },
    log: { level: 'info', fileLevel: 'debug', retentionDays: 14 },
    ...engineDefaults(),
  };
}

/** The policy engine's part of a config with no rules, channels or prices of its own. */
function engineDefaults(): Pick<Config, 'include' | 'engine' | 'prices' | 'notifications'> {
  return {
    include: [],
    engine: {
      defaults: {
        level: 'monitor_only',
        thresholds: { warning: 80, critical: 90, emergency: 95 },
        multiplier: 2,
        buffer: 25,
        maxValue: null,
        approvalRequired: false,
        costThreshold: null,
        businessHours: null,
        cooldownMs: 24 * 3_600_000,
        notify: [],
        mute: false,
      },
      rules: [],
      supportCasesPerHour: 3,
      approvalTtlMs: 72 * 3_600_000,
      forecastHorizonMs: 7 * 24 * 3_600_000,
      spikes: { enabled: true, medium: 2, high: 3, baselineMs: 24 * 3_600_000, minBaseline: 5 },
      dependencies: { ...BUILT_IN_DEPENDENCIES },
      dependencyThreshold: 70,
    },
    prices: { ...BUILT_IN_PRICES },
    notifications: { channels: {}, attempts: 5, timeoutMs: 10_000 },
  };
}

describe('defaults', () => {
  it('fills every field when there is no file', async () => {
    expect(await load()).toEqual({ config: defaults(), file: null, fileOrigin: null, envOverrides: [] });
  });

  it('fills every field from an empty file, or one with only comments', async () => {
    const empty = await loadYaml('');
    expect(empty).toEqual({
      config: defaults(),
      file: join(cwd, 'headroom.yaml'),
      fileOrigin: 'cwd',
      envOverrides: [],
    });
    expect((await loadYaml('# nothing yet\n')).config).toEqual(defaults());
  });

  it('fills the rest of a section the file starts', async () => {
    const { config } = await loadYaml(yaml('aws:', '  profile: prod', 'usage:', '  window: 6h'));
    expect(config.aws).toEqual({ ...defaults().aws, profile: 'prod' });
    expect(config.usage).toEqual({ ...defaults().usage, windowMs: 6 * 3_600_000 });
  });
});

describe('a full file', () => {
  it('is normalised: durations in ms, account regions inherited', async () => {
    const { config } = await loadYaml(
      yaml(
        'home: ./data',
        'aws:',
        '  profile: org-read',
        '  endpoint: http://127.0.0.1:4566',
        '  retryMode: adaptive',
        '  maxAttempts: 8',
        '  maxConcurrency: 16',
        '  roleSessionName: headroom-ci',
        'accounts:',
        "  - id: '123456789012'",
        '    name: prod',
        '    roleArn: arn:aws:iam::123456789012:role/headroom',
        '    externalId: ext-42',
        "  - id: '012345678901'",
        '    name: dev',
        '    profile: dev-admin',
        '    regions: [eu-west-1]',
        'regions: [us-east-1, eu-central-1]',
        'aliases:',
        "  prod-use1: 'prod:us-east-1'",
        "  other: '210987654321:eu-west-1'",
        'services:',
        '  include: [ec2, vpc, AWSCloudMap]',
        '  exclude: [sagemaker]',
        'cache:',
        '  limitsTtl: 12h',
        '  usageTtl: 15m',
        'usage:',
        '  source: cloudwatch',
        '  window: 2h',
        '  period: 5m',
        'requests:',
        '  maxOpenPerRegion: 3',
        '  maxOpenPerAccount: 25',
        'log:',
        '  level: warn',
        '  fileLevel: trace',
        '  retentionDays: 30',
      ),
    );
    expect(config).toEqual({
      home: join(cwd, 'data'),
      aws: {
        profile: 'org-read',
        endpoint: 'http://127.0.0.1:4566',
        retryMode: 'adaptive',
        maxAttempts: 8,
        maxConcurrency: 16,
        roleSessionName: 'headroom-ci',
      },
      accounts: [
        {
          id: '123456789012',
          name: 'prod',
          profile: undefined,
          roleArn: 'arn:aws:iam::123456789012:role/headroom',
          externalId: 'ext-42',
          regions: ['us-east-1', 'eu-central-1'],
        },
        {
          id: '012345678901',
          name: 'dev',
          profile: 'dev-admin',
          roleArn: undefined,
          externalId: undefined,
          regions: ['eu-west-1'],
        },
      ],
      regions: ['us-east-1', 'eu-central-1'],
      inventory: { ttlMs: 24 * 3_600_000, sources: [] },
      aliases: { 'prod-use1': 'prod:us-east-1', other: '210987654321:eu-west-1' },
      services: { include: ['ec2', 'vpc', 'AWSCloudMap'], exclude: ['sagemaker'] },
      cache: { limitsTtlMs: 12 * 3_600_000, usageTtlMs: 15 * 60_000 },
      usage: { source: 'cloudwatch', windowMs: 2 * 3_600_000, periodSeconds: 300 },
      requests: { maxOpenPerRegion: 3, maxOpenPerAccount: 25 },
      serve: {
        host: '127.0.0.1',
        port: 9877,
        allowRemote: false,
        schedule: { accountsMs: 24 * 3_600_000, limitsMs: 24 * 3_600_000, usageMs: 3_600_000 },
        jitter: 0.1,
        auth: {
          tokenEnv: 'HEADROOM_SERVE_TOKEN',
          username: undefined,
          passwordEnv: undefined,
          sessionTtlMs: 12 * 3_600_000,
        },
      },
      log: { level: 'warn', fileLevel: 'trace', retentionDays: 30 },
      ...engineDefaults(),
    } satisfies Config);
  });
});

describe('bad values', () => {
  it.each([
    // accounts
    [
      'an account id YAML read as a number',
      yaml('accounts:', "  - id: '123456789012'", '  - id: 12345'),
      'headroom.yaml:3:9: accounts.1.id must be a 12-digit account id in quotes (got 12345)',
      "write id: '123456789012'",
    ],
    [
      'an unquoted 12-digit account id',
      yaml('accounts:', '  - id: 123456789012'),
      'headroom.yaml:2:9: accounts.0.id must be a 12-digit account id in quotes (got 123456789012)',
      "put it in quotes: id: '123456789012'",
    ],
    [
      'an unquoted account id whose leading zero YAML dropped',
      yaml('accounts:', '  - id: 012345678901'),
      'headroom.yaml:2:9: accounts.0.id must be a 12-digit account id in quotes (got 12345678901)',
      "put it in quotes with its leading zero: id: '012345678901' (unquoted, YAML reads a number and drops the zero)",
    ],
    [
      'an account without an id',
      yaml('accounts:', '  - name: prod'),
      'headroom.yaml:2:5: accounts.0.id is required',
      "write id: '123456789012'",
    ],
    [
      'an account that is not a mapping',
      yaml('accounts:', "  - '123456789012'"),
      "headroom.yaml:2:5: accounts.0 must be a mapping with at least an id (got '123456789012')",
      "write it as {id: '123456789012'}",
    ],
    [
      'accounts that are not a list',
      yaml('accounts: prod'),
      "headroom.yaml:1:11: accounts must be a list of accounts (got 'prod')",
      "write accounts: [{id: '123456789012'}]",
    ],
    [
      'an account name that is a number',
      yaml('accounts:', "  - id: '123456789012'", '    name: 42'),
      'headroom.yaml:3:11: accounts.0.name must be a name of letters, digits, . _ or - that starts with a letter (got 42)',
      'write name: prod',
    ],
    [
      'a role ARN that is not one',
      yaml('accounts:', "  - id: '123456789012'", '    roleArn: headroom'),
      "headroom.yaml:3:14: accounts.0.roleArn must be an IAM role ARN such as arn:aws:iam::123456789012:role/headroom (got 'headroom')",
      'write roleArn: arn:aws:iam::123456789012:role/headroom',
    ],
    [
      'profile and roleArn together',
      yaml(
        'accounts:',
        "  - id: '123456789012'",
        '    profile: prod',
        '    roleArn: arn:aws:iam::123456789012:role/headroom',
      ),
      'headroom.yaml:4:14: accounts.0.roleArn cannot be set together with profile',
      'keep one: profile reads the account with its own credentials, roleArn assumes a role from the base credentials',
    ],
    [
      'a role in another account',
      yaml('accounts:', "  - id: '123456789012'", '    roleArn: arn:aws:iam::999999999999:role/headroom'),
      'headroom.yaml:3:14: accounts.0.roleArn is a role in account 999999999999, not in this account (123456789012)',
      'use a role in 123456789012, such as arn:aws:iam::123456789012:role/headroom, or correct id',
    ],
    [
      'an external id without a role',
      yaml('accounts:', "  - id: '123456789012'", '    externalId: ext-42'),
      'headroom.yaml:3:17: accounts.0.externalId only applies with roleArn',
      'add the roleArn that requires it, or remove externalId',
    ],
    [
      'a repeated account id',
      yaml('accounts:', "  - id: '123456789012'", "  - id: '123456789012'"),
      'headroom.yaml:3:9: accounts.1.id (123456789012) repeats accounts.0.id',
      'list each account once',
    ],
    [
      'a repeated account name',
      yaml(
        'accounts:',
        "  - id: '123456789012'",
        '    name: prod',
        "  - id: '210987654321'",
        '    name: prod',
      ),
      'headroom.yaml:5:11: accounts.1.name (prod) repeats accounts.0.name',
      'give each account its own name',
    ],
    [
      'account regions with a bad region',
      yaml('accounts:', "  - id: '123456789012'", '    regions: [eu-west-1, mars-1]'),
      "headroom.yaml:3:26: accounts.0.regions.1 must be an AWS region name such as eu-west-1 (got 'mars-1')",
      'write it as eu-west-1',
    ],
    // aws
    [
      'an endpoint that is not http(s)',
      yaml('aws:', '  endpoint: ftp://127.0.0.1:4566'),
      "headroom.yaml:2:13: aws.endpoint must be an http:// or https:// URL (got 'ftp://127.0.0.1:4566')",
      'write endpoint: http://127.0.0.1:4566',
    ],
    [
      'an endpoint without a scheme',
      yaml('aws:', '  endpoint: localhost:4566'),
      "headroom.yaml:2:13: aws.endpoint must be an http:// or https:// URL (got 'localhost:4566')",
      'write endpoint: http://127.0.0.1:4566',
    ],
    [
      'a misspelt retry mode',
      yaml('aws:', '  retryMode: adaptve'),
      "headroom.yaml:2:14: aws.retryMode must be standard or adaptive (got 'adaptve')",
      'write retryMode: adaptive',
    ],
    [
      'too many attempts',
      yaml('aws:', '  maxAttempts: 21'),
      'headroom.yaml:2:16: aws.maxAttempts must be a whole number from 1 to 20 (got 21)',
      'write maxAttempts: 5',
    ],
    [
      'a fractional attempt count',
      yaml('aws:', '  maxAttempts: 2.5'),
      'headroom.yaml:2:16: aws.maxAttempts must be a whole number from 1 to 20 (got 2.5)',
      'write maxAttempts: 5',
    ],
    [
      'a quoted attempt count',
      yaml('aws:', "  maxAttempts: '5'"),
      "headroom.yaml:2:16: aws.maxAttempts must be a whole number from 1 to 20 (got '5')",
      'write maxAttempts: 5',
    ],
    [
      'no concurrency',
      yaml('aws:', '  maxConcurrency: 0'),
      'headroom.yaml:2:19: aws.maxConcurrency must be a whole number from 1 to 1024 (got 0)',
      'write maxConcurrency: 64',
    ],
    [
      'a one-letter role session name',
      yaml('aws:', '  roleSessionName: h'),
      "headroom.yaml:2:20: aws.roleSessionName must be 2 to 64 letters, digits or + = , . @ _ - (got 'h')",
      'write roleSessionName: headroom',
    ],
    [
      'an empty profile',
      yaml('aws:', "  profile: ''"),
      "headroom.yaml:2:12: aws.profile must be the name of a profile in ~/.aws/config (got '')",
      'write profile: prod',
    ],
    [
      'a section left empty',
      yaml('aws:', '  # profile: prod'),
      'headroom.yaml:1:5: aws must be a mapping of settings (got an empty value)',
      'write aws: {profile: prod}, or delete the line for the default',
    ],
    // regions
    [
      'a region given as a single string',
      yaml('regions: eu-west-1'),
      "headroom.yaml:1:10: regions must be all, in-use, or a list of AWS regions such as [us-east-1, eu-west-1] (got 'eu-west-1')",
      'write a list, even of one region: [eu-west-1]',
    ],
    [
      'no regions',
      yaml('regions: []'),
      'headroom.yaml:1:10: regions must be all, in-use, or a list of AWS regions such as [us-east-1, eu-west-1] (got an empty list)',
      'write regions: [us-east-1, eu-west-1]',
    ],
    [
      'a region missing its number',
      yaml('regions: [us-east-1, eu-west]'),
      "headroom.yaml:1:22: regions.1 must be an AWS region name such as eu-west-1 (got 'eu-west')",
      'write it as eu-west-1',
    ],
    [
      'a repeated region',
      yaml('regions:', '  - us-east-1', '  - eu-west-1', '  - us-east-1'),
      'headroom.yaml:4:5: regions.2 (us-east-1) is already entry 0 of the list',
      'list each region once',
    ],
    // aliases
    [
      'an alias that is not ACCOUNT:REGION',
      yaml('aliases:', '  prod: us-east-1'),
      "headroom.yaml:2:9: aliases.prod must be 'ACCOUNT:REGION', ACCOUNT a 12-digit account id or an account name (got 'us-east-1')",
      'write prod: 123456789012:us-east-1',
    ],
    [
      'an alias naming an unknown account',
      yaml('accounts:', "  - id: '123456789012'", '    name: prod', 'aliases:', '  p: prd:us-east-1'),
      "headroom.yaml:5:6: aliases.p names account prd, which is no account's name in accounts",
      'write the 12-digit account id or one of: prod',
    ],
    [
      'an alias name with a space',
      yaml('aliases:', "  'prod east': '123456789012:us-east-1'"),
      "headroom.yaml:2:3: aliases key 'prod east' must be a name of letters, digits, . _ or - that starts with a letter",
      'rename it, e.g. prod-use1',
    ],
    // services
    [
      'a service code with a space',
      yaml('services:', "  include: [ec2, 'service quotas']"),
      "headroom.yaml:2:18: services.include.1 must be a Service Quotas service code such as ec2 (got 'service quotas')",
      'write it as ec2',
    ],
    [
      'a service both included and excluded',
      yaml('services:', '  include: [ec2, vpc]', '  exclude: [vpc]'),
      'headroom.yaml:3:13: services.exclude.0 (vpc) is also in services.include',
      'list a service in include or in exclude, not both',
    ],
    // cache and usage
    [
      'a duration without a unit',
      yaml('cache:', '  limitsTtl: 3600'),
      'headroom.yaml:2:14: cache.limitsTtl must be a duration from 0s to 30d such as 24h (got 3600)',
      'write limitsTtl: 24h',
    ],
    [
      'a duration past its maximum',
      yaml('cache:', '  usageTtl: 31d'),
      "headroom.yaml:2:13: cache.usageTtl must be a duration from 0s to 30d such as 1h (got '31d')",
      'write usageTtl: 1h',
    ],
    [
      'a usage source that does not exist',
      yaml('usage:', '  source: metrics'),
      "headroom.yaml:2:11: usage.source must be auto, cloudwatch or utilization-report (got 'metrics')",
      'write source: auto',
    ],
    [
      'a usage window below 5m',
      yaml('usage:', '  window: 1m'),
      "headroom.yaml:2:11: usage.window must be a duration from 5m to 24h such as 1h (got '1m')",
      'write window: 1h',
    ],
    [
      'a period that is not whole minutes',
      yaml('usage:', '  period: 90s'),
      "headroom.yaml:2:11: usage.period must be a whole number of minutes such as 1m or 5m (got '90s')",
      'write period: 1m',
    ],
    [
      'a period longer than the window',
      yaml('usage:', '  window: 10m', '  period: 15m'),
      'headroom.yaml:3:11: usage.period (15m) is longer than usage.window (10m)',
      'make period at most window, e.g. period: 1m',
    ],
    // log and home
    [
      'a bare ~ for home, which YAML reads as nothing',
      yaml('home: ~'),
      'headroom.yaml:1:7: home must be a directory path (~ or ~/… for your home directory; ~user is not supported) (got an empty value)',
      "a bare ~ is YAML for nothing: write home: '~' (quoted) or ~/…",
    ],
    [
      'no room for any open request',
      yaml('requests:', '  maxOpenPerRegion: 0'),
      'headroom.yaml:2:21: requests.maxOpenPerRegion must be a whole number from 1 to 1000 (got 0)',
      'write maxOpenPerRegion: 2',
    ],
    [
      'a cap on open requests that is not a number',
      yaml('requests:', '  maxOpenPerAccount: lots'),
      "headroom.yaml:2:22: requests.maxOpenPerAccount must be a whole number from 1 to 1000 (got 'lots')",
      'write maxOpenPerAccount: 20',
    ],
    [
      'a log level pino has but headroom does not take',
      yaml('log:', '  level: fatal'),
      "headroom.yaml:2:10: log.level must be one of trace, debug, info, warn, error, silent (got 'fatal')",
      'write level: info',
    ],
    [
      'a misspelt file log level',
      yaml('log:', '  fileLevel: debgu'),
      "headroom.yaml:2:14: log.fileLevel must be one of trace, debug, info, warn, error, silent (got 'debgu')",
      'write fileLevel: debug',
    ],
    [
      'no log retention',
      yaml('log:', '  retentionDays: 0'),
      'headroom.yaml:2:18: log.retentionDays must be a whole number of days from 1 to 365 (got 0)',
      'write retentionDays: 14',
    ],
    [
      "another user's home",
      yaml('home: ~bob/headroom'),
      "headroom.yaml:1:7: home must be a directory path (~ or ~/… for your home directory; ~user is not supported) (got '~bob/headroom')",
      'write home: ~/.headroom',
    ],
    // shape
    [
      'a list at the top level',
      yaml('- regions: [us-east-1]'),
      'headroom.yaml:1:1: the top level must be a mapping of settings (got a list)',
      'see docs/configuration.md for an example file',
    ],
  ])('%s', async (_name, text, message, hint) => {
    const error = await rejection(loadYaml(text));
    expect({ code: error.code, message: error.message, hint: error.hint, exitCode: error.exitCode }).toEqual({
      code: 'HR_CONFIG_INVALID',
      message,
      hint,
      exitCode: 2,
    });
  });
});

describe('unknown keys', () => {
  it.each([
    [
      'a near miss at the top level',
      yaml('region: [us-east-1]'),
      'headroom.yaml:1:1: region',
      'did you mean regions?',
    ],
    [
      'snake_case for camelCase',
      yaml('aws:', '  max_attempts: 3'),
      'headroom.yaml:2:3: aws.max_attempts',
      'did you mean maxAttempts?',
    ],
    [
      'a key in an account',
      yaml('accounts:', "  - id: '123456789012'", '    rolearn: x'),
      'headroom.yaml:3:5: accounts.0.rolearn',
      'did you mean roleArn?',
    ],
    [
      'a key nothing is close to',
      yaml('colour: blue'),
      'headroom.yaml:1:1: colour',
      'remove it; the top level takes home, aws, accounts, inventory, regions, aliases, services, cache, usage, requests, serve, include, rules, engine, prices, notifications, log',
    ],
    [
      'a key nothing is close to, in a section',
      yaml('cache:', '  everything: 1h'),
      'headroom.yaml:2:3: cache.everything',
      'remove it; cache takes limitsTtl, usageTtl',
    ],
  ])('names %s and the key probably meant', async (_name, text, where, hint) => {
    const error = await rejection(loadYaml(text));
    expect(error.code).toBe('HR_CONFIG_INVALID');
    expect(error.message).toBe(`${where} is not a setting headroom knows`);
    expect(error.hint).toBe(hint);
  });
});

describe('several problems', () => {
  it('reports the first in file order and counts the rest', async () => {
    const error = await rejection(
      loadYaml(yaml('log:', '  retentionDays: 0', 'aws:', '  maxAttempts: 0', '  colour: blue')),
    );
    expect(error.message).toBe(
      'headroom.yaml:2:18: log.retentionDays must be a whole number of days from 1 to 365 (got 0) [1 of 3 problems]',
    );
  });
});

describe('YAML syntax', () => {
  it('names the file, line and column', async () => {
    const error = await rejection(loadYaml(yaml('aws:', '  profile: prod', '    endpoint: http://x')));
    expect(error.code).toBe('HR_CONFIG_YAML');
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(/^headroom\.yaml:2:\d+: \S/);
    expect(error.message).not.toContain('\n');
    expect(error.hint).toBeTruthy();
  });

  it('reports a repeated key where it repeats', async () => {
    const error = await rejection(
      loadYaml(yaml('regions: [us-east-1]', 'log:', '  level: info', 'regions: [eu-west-1]')),
    );
    expect(error).toMatchObject({
      code: 'HR_CONFIG_YAML',
      message: 'headroom.yaml:4:1: Map keys must be unique',
      hint: 'each setting may appear once per mapping; remove or merge the repeat',
    });
  });

  it('reports tabs used for indentation', async () => {
    const error = await rejection(loadYaml('aws:\n\tprofile: prod\n'));
    expect(error).toMatchObject({ code: 'HR_CONFIG_YAML', hint: 'indent with spaces, not tabs' });
    expect(error.message).toMatch(/^headroom\.yaml:2:1: /);
  });
});

describe('environment overrides', () => {
  const everyVariable = {
    HEADROOM_HOME: '~/elsewhere',
    HEADROOM_PROFILE: 'from-env',
    HEADROOM_ENDPOINT: 'https://sandbox.example:8443',
    HEADROOM_REGIONS: 'eu-west-1, ap-southeast-2',
    HEADROOM_RETRY_MODE: 'adaptive',
    HEADROOM_MAX_ATTEMPTS: '9',
    HEADROOM_MAX_CONCURRENCY: '128',
    HEADROOM_LIMITS_TTL: '2d',
    HEADROOM_USAGE_TTL: '30m',
    HEADROOM_USAGE_SOURCE: 'utilization-report',
    HEADROOM_LOG_LEVEL: 'debug',
  };
  const file = yaml(
    'home: /from/file',
    'aws:',
    '  profile: from-file',
    '  endpoint: http://127.0.0.1:4566',
    '  retryMode: standard',
    '  maxAttempts: 2',
    '  maxConcurrency: 8',
    'regions: [us-east-1]',
    'cache:',
    '  limitsTtl: 1h',
    '  usageTtl: 1m',
    'usage:',
    '  source: cloudwatch',
    'log:',
    '  level: error',
    '  retentionDays: 3',
  );

  it('beat the file, field by field', async () => {
    const { config, envOverrides } = await loadYaml(file, everyVariable);
    expect(config).toEqual({
      ...defaults(),
      home: join(home, 'elsewhere'),
      aws: {
        profile: 'from-env',
        endpoint: 'https://sandbox.example:8443',
        retryMode: 'adaptive',
        maxAttempts: 9,
        maxConcurrency: 128,
        roleSessionName: 'headroom',
      },
      regions: ['eu-west-1', 'ap-southeast-2'],
      cache: { limitsTtlMs: 2 * 86_400_000, usageTtlMs: 30 * 60_000 },
      usage: { ...defaults().usage, source: 'utilization-report' },
      log: { level: 'debug', fileLevel: 'debug', retentionDays: 3 },
    });
    expect(envOverrides.sort()).toEqual(Object.keys(everyVariable).sort());
  });

  it('leave the file alone where they are unset or empty', async () => {
    const { config, envOverrides } = await loadYaml(file, { HEADROOM_PROFILE: '', HEADROOM_REGIONS: '  ' });
    expect(config.aws.profile).toBe('from-file');
    expect(config.regions).toEqual(['us-east-1']);
    expect(config.home).toBe('/from/file');
    expect(envOverrides).toEqual([]);
  });

  it('apply without a file', async () => {
    const { config, file: found } = await load({ HEADROOM_MAX_ATTEMPTS: '3' });
    expect(found).toBeNull();
    expect(config.aws.maxAttempts).toBe(3);
  });

  it.each([
    [
      'HEADROOM_MAX_ATTEMPTS',
      'abc',
      "HEADROOM_MAX_ATTEMPTS: aws.maxAttempts must be a whole number from 1 to 20 (got 'abc')",
      'set HEADROOM_MAX_ATTEMPTS=5',
    ],
    [
      'HEADROOM_MAX_CONCURRENCY',
      '0',
      'HEADROOM_MAX_CONCURRENCY: aws.maxConcurrency must be a whole number from 1 to 1024 (got 0)',
      'set HEADROOM_MAX_CONCURRENCY=64',
    ],
    [
      'HEADROOM_REGIONS',
      'us-east-1,mars',
      "HEADROOM_REGIONS: regions.1 must be an AWS region name such as eu-west-1 (got 'mars')",
      'set HEADROOM_REGIONS=us-east-1,eu-west-1',
    ],
    [
      'HEADROOM_REGIONS',
      'us-east-1,us-east-1',
      'HEADROOM_REGIONS: regions.1 (us-east-1) is already entry 0 of the list',
      'list each region once',
    ],
    [
      'HEADROOM_RETRY_MODE',
      'adaptve',
      "HEADROOM_RETRY_MODE: aws.retryMode must be standard or adaptive (got 'adaptve')",
      'set HEADROOM_RETRY_MODE=adaptive',
    ],
    [
      'HEADROOM_ENDPOINT',
      '127.0.0.1:4566',
      "HEADROOM_ENDPOINT: aws.endpoint must be an http:// or https:// URL (got '127.0.0.1:4566')",
      'set HEADROOM_ENDPOINT=http://127.0.0.1:4566',
    ],
    [
      'HEADROOM_LIMITS_TTL',
      '24',
      "HEADROOM_LIMITS_TTL: cache.limitsTtl must be a duration from 0s to 30d such as 24h (got '24')",
      'set HEADROOM_LIMITS_TTL=24h',
    ],
    [
      'HEADROOM_USAGE_TTL',
      '1y',
      "HEADROOM_USAGE_TTL: cache.usageTtl must be a duration from 0s to 30d such as 1h (got '1y')",
      'set HEADROOM_USAGE_TTL=1h',
    ],
    [
      'HEADROOM_USAGE_SOURCE',
      'cw',
      "HEADROOM_USAGE_SOURCE: usage.source must be auto, cloudwatch or utilization-report (got 'cw')",
      'set HEADROOM_USAGE_SOURCE=auto',
    ],
    [
      'HEADROOM_LOG_LEVEL',
      'verbose',
      "HEADROOM_LOG_LEVEL: log.level must be one of trace, debug, info, warn, error, silent (got 'verbose')",
      'set HEADROOM_LOG_LEVEL=info',
    ],
    [
      'HEADROOM_HOME',
      '~alice',
      "HEADROOM_HOME: home must be a directory path (~ or ~/… for your home directory; ~user is not supported) (got '~alice')",
      'set HEADROOM_HOME=~/.headroom',
    ],
  ])('name the variable when %s=%j is bad', async (variable, value, message, hint) => {
    const error = await rejection(load({ [variable]: value }));
    expect({ code: error.code, message: error.message, hint: error.hint }).toEqual({
      code: 'HR_CONFIG_INVALID',
      message,
      hint,
    });
  });

  it('are reported before the problems of the file', async () => {
    const error = await rejection(
      loadYaml(yaml('log:', '  retentionDays: 0'), { HEADROOM_LOG_LEVEL: 'loud' }),
    );
    expect(error.message).toMatch(/^HEADROOM_LOG_LEVEL: log\.level .* \[1 of 2 problems\]$/);
  });

  it('cannot hide a bad section of the file', async () => {
    const error = await rejection(loadYaml(yaml('aws: prod'), { HEADROOM_PROFILE: 'prod' }));
    expect(error.message).toBe("headroom.yaml:1:6: aws must be a mapping of settings (got 'prod')");
  });
});

describe('finding the file', () => {
  it('reads an explicit path, relative to cwd', async () => {
    await write(join(cwd, 'conf', 'custom.yaml'), yaml('regions: [eu-north-1]'));
    const { config, file, fileOrigin } = await load({}, 'conf/custom.yaml');
    expect({ file, fileOrigin, regions: config.regions }).toEqual({
      file: join(cwd, 'conf', 'custom.yaml'),
      fileOrigin: 'path',
      regions: ['eu-north-1'],
    });
  });

  it('fails when an explicit path does not exist', async () => {
    await write(join(cwd, 'headroom.yaml'), '');
    const error = await rejection(load({}, 'missing.yaml'));
    expect(error).toMatchObject({
      code: 'HR_CONFIG_NOT_FOUND',
      exitCode: 2,
      message: 'config file missing.yaml does not exist',
      hint: 'check the path, or leave it out to use ./headroom.yaml or ~/.headroom/headroom.yaml',
    });
  });

  it('fails when an explicit path is a directory', async () => {
    await mkdir(join(cwd, 'conf'));
    const error = await rejection(load({}, 'conf'));
    expect(error).toMatchObject({
      code: 'HR_CONFIG_NOT_FOUND',
      message: 'config file conf is a directory, not a file',
    });
  });

  it('takes HEADROOM_CONFIG over ./headroom.yaml, and names it when it is missing', async () => {
    await write(join(cwd, 'headroom.yaml'), yaml('regions: [us-east-1]'));
    const other = await write(join(root, 'elsewhere.yaml'), yaml('regions: [sa-east-1]'));
    const found = await load({ HEADROOM_CONFIG: other });
    expect({ file: found.file, fileOrigin: found.fileOrigin, regions: found.config.regions }).toEqual({
      file: other,
      fileOrigin: 'env',
      regions: ['sa-east-1'],
    });

    const error = await rejection(load({ HEADROOM_CONFIG: join(root, 'gone.yaml') }));
    expect(error).toMatchObject({
      code: 'HR_CONFIG_NOT_FOUND',
      message: `HEADROOM_CONFIG names ${join(root, 'gone.yaml')}, which does not exist`,
      hint: 'correct HEADROOM_CONFIG, or unset it to use ./headroom.yaml',
    });
  });

  it('prefers an explicit path over HEADROOM_CONFIG', async () => {
    const given = await write(join(cwd, 'given.yaml'), '');
    expect((await load({ HEADROOM_CONFIG: join(root, 'gone.yaml') }, given)).file).toBe(given);
  });

  it('falls back to ~/.headroom/headroom.yaml, and to $HEADROOM_HOME/headroom.yaml', async () => {
    const inDefaultHome = await write(join(home, '.headroom', 'headroom.yaml'), yaml('regions: [eu-west-2]'));
    expect(await load()).toMatchObject({ file: inDefaultHome, fileOrigin: 'home' });

    const inEnvHome = await write(join(root, 'data', 'headroom.yaml'), yaml('regions: [eu-west-3]'));
    const fromEnvHome = await load({ HEADROOM_HOME: join(root, 'data') });
    expect(fromEnvHome).toMatchObject({ file: inEnvHome, fileOrigin: 'home' });
    expect(fromEnvHome.config.home).toBe(join(root, 'data'));

    const inCwd = await write(join(cwd, 'headroom.yaml'), '');
    expect(await load()).toMatchObject({ file: inCwd, fileOrigin: 'cwd' });
  });

  it('shows a file under home as ~/… in messages', async () => {
    await write(join(home, '.headroom', 'headroom.yaml'), yaml('usage:', '  window: 2d'));
    const error = await rejection(load());
    expect(error.message).toBe(
      "~/.headroom/headroom.yaml:2:11: usage.window must be a duration from 5m to 24h such as 1h (got '2d')",
    );
  });
});

describe('home', () => {
  it.each([
    ["'~'", () => home],
    ['~/data/headroom', () => join(home, 'data', 'headroom')],
    ['/srv/headroom', () => '/srv/headroom'],
    ['state', () => join(root, 'conf', 'state')],
  ])('in the file, %s is %s (relative to the file)', async (value, expected) => {
    const file = await write(join(root, 'conf', 'headroom.yaml'), yaml(`home: ${value}`));
    expect((await load({}, file)).config.home).toBe(expected());
  });

  it('from HEADROOM_HOME expands ~ and is relative to cwd', async () => {
    expect((await load({ HEADROOM_HOME: '~/h' })).config.home).toBe(join(home, 'h'));
    expect((await load({ HEADROOM_HOME: 'h' })).config.home).toBe(join(cwd, 'h'));
  });

  it('expands ~ in an explicit config path', async () => {
    const file = await write(join(home, 'configs', 'h.yaml'), '');
    expect((await load({}, '~/configs/h.yaml')).file).toBe(file);
  });
});

describe('parseConfig', () => {
  it('validates data without files or environment', () => {
    const config = parseConfig({ regions: ['eu-west-1'] }, { homeDir: '/home/x', baseDir: '/work' });
    expect(config).toMatchObject({ home: '/home/x/.headroom', regions: ['eu-west-1'] });
  });

  it('labels its problems', () => {
    expect(() => parseConfig({ regions: 'eu-west-1' }, { label: 'test config' })).toThrow(
      expect.objectContaining({
        code: 'HR_CONFIG_INVALID',
        message:
          "test config: regions must be all, in-use, or a list of AWS regions such as [us-east-1, eu-west-1] (got 'eu-west-1')",
        hint: 'write a list, even of one region: [eu-west-1]',
      }),
    );
  });
});
