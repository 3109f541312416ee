/**
 * The inventory settings of headroom.yaml: what they normalise to, and one line per bad value,
 * naming the field by its dotted path.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../domain/errors.js';
import { parseConfig } from './load.js';

function problem(input: unknown): { message: string; hint: string | undefined } {
  try {
    parseConfig(input);
  } catch (error) {
    if (error instanceof ConfigError) return { message: error.message, hint: error.hint };
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const SQL = { type: 'sql', engine: 'mariadb', database: 'cmdb', user: 'headroom', query: 'SELECT 1' };

describe('inventory', () => {
  it('fills every default and names each source by its type', () => {
    const config = parseConfig({
      inventory: { sources: [{ type: 'organizations' }, SQL, { type: 'profiles', profiles: ['prod-*'] }] },
    });
    expect(config.inventory).toEqual({
      ttlMs: 24 * 3_600_000,
      sources: [
        {
          type: 'organizations',
          name: 'organizations',
          memberRole: 'OrganizationAccountAccessRole',
          include: [],
          exclude: [],
        },
        {
          ...SQL,
          name: 'sql',
          tls: false,
          columns: { id: 'id', name: 'name', roleArn: 'role_arn', regions: 'regions' },
          timeout: 10_000,
        },
        { type: 'profiles', name: 'profiles', profiles: ['prod-*'] },
      ],
    });
  });

  it('takes regions as a list, all or in-use, at the top, per account and per source', () => {
    const config = parseConfig({
      regions: 'all',
      accounts: [{ id: '123456789012', regions: 'in-use' }],
      inventory: { sources: [{ type: 'organizations', regions: ['eu-west-1'] }] },
    });
    expect(config.regions).toBe('all');
    expect(config.accounts[0]?.regions).toBe('in-use');
    expect(config.inventory.sources[0]?.regions).toEqual(['eu-west-1']);
  });

  it.each([
    [
      { inventory: { sources: [{ type: 'organizations' }, { ...SQL, query: '' }] } },
      "config: inventory.sources.1.query must be a SELECT statement (got '')",
    ],
    [
      { inventory: { sources: [{ type: 'ldap' }] } },
      "config: inventory.sources.0.type must be profiles, organizations or sql (got 'ldap')",
    ],
    [
      { inventory: { sources: [{ ...SQL, engine: 'oracle' }] } },
      "config: inventory.sources.0.engine must be mysql, mariadb or postgres (got 'oracle')",
    ],
    [
      { inventory: { sources: [{ ...SQL, password: 'hunter2' }] } },
      'config: inventory.sources.0.password is not a setting headroom knows',
    ],
    [
      { inventory: { sources: [{ ...SQL, passwordEnv: 'not a name' }] } },
      "config: inventory.sources.0.passwordEnv must be an environment variable name such as CMDB_PASSWORD (got 'not a name')",
    ],
    [
      { inventory: { sources: [{ ...SQL, socket: '/run/mysqld.sock', host: 'db' }] } },
      'config: inventory.sources.0.socket cannot be set together with host or port',
    ],
    [
      { inventory: { sources: [{ ...SQL, columns: { id: 'account id' } }] } },
      "config: inventory.sources.0.columns.id must be a column name of letters, digits or _ that starts with a letter or _ (got 'account id')",
    ],
    [
      { inventory: { sources: [{ ...SQL, timeout: '1h' }] } },
      "config: inventory.sources.0.timeout must be a duration from 1s to 5m such as 10s (got '1h')",
    ],
    [
      { inventory: { sources: [{ type: 'organizations' }, { type: 'organizations' }] } },
      'config: inventory.sources.1.name (organizations) repeats the name of inventory.sources.0',
    ],
    [
      { inventory: { sources: [{ type: 'organizations', exclude: [123456789012] }] } },
      'config: inventory.sources.0.exclude.0 must be a 12-digit account id in quotes (got 123456789012)',
    ],
    [
      {
        inventory: {
          sources: [{ type: 'organizations', profile: 'org', roleArn: 'arn:aws:iam::123456789012:role/r' }],
        },
      },
      'config: inventory.sources.0.roleArn cannot be set together with profile',
    ],
    [
      { inventory: { sources: [{ type: 'profiles', profiles: [] }] } },
      'config: inventory.sources.0.profiles must be a list of profile names or globs such as [prod, team-*] (got an empty list)',
    ],
    [
      { inventory: { sources: [{ type: 'organizations', regions: 'everywhere' }] } },
      "config: inventory.sources.0.regions must be all, in-use, or a list of AWS regions such as [us-east-1, eu-west-1] (got 'everywhere')",
    ],
    [
      { inventory: { ttl: '1y' } },
      "config: inventory.ttl must be a duration from 0s to 30d such as 24h (got '1y')",
    ],
    [
      { accounts: [{ id: '123456789012', regions: 'every' }] },
      "config: accounts.0.regions must be all, in-use, or a list of AWS regions such as [us-east-1, eu-west-1] (got 'every')",
    ],
  ])('%j: %s', (input, message) => {
    expect(problem(input).message).toBe(message);
  });

  it('aliases may name accounts only a source knows', () => {
    const config = parseConfig({
      aliases: { prod: 'payments-prod:us-east-1' },
      inventory: { sources: [{ type: 'organizations' }] },
    });
    expect(config.aliases).toEqual({ prod: 'payments-prod:us-east-1' });
  });
});
