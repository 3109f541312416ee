/**
 * The schema is the single source (STYLE.md §3 rule 13): the checked-in JSON Schema is what it
 * generates, and docs/configuration.md names every field and environment variable it has.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { isRegion } from '../domain/target.js';
import type { LogLevel } from '../logging/levels.js';
import { CONFIG_FILE_VARIABLE, ENV_OVERRIDES } from './env.js';
import { fieldPaths } from './fields.js';
import { JSON_SCHEMA_FILE, renderJsonSchema } from './json-schema.js';
import { configSchema, REGION_PATTERN, type Config } from './schema.js';

describe('docs/headroom.schema.json', () => {
  it('is what the schema generates (else run: npx tsx scripts/build-config-schema.ts)', async () => {
    const checkedIn = readFileSync(JSON_SCHEMA_FILE, 'utf8');
    const fresh = await renderJsonSchema();
    expect(
      checkedIn === fresh,
      'docs/headroom.schema.json is stale: run `npx tsx scripts/build-config-schema.ts` and commit the result',
    ).toBe(true);
  });

  it('describes the file as written: strict, with defaults, durations as text', async () => {
    const schema = JSON.parse(await renderJsonSchema()) as {
      additionalProperties: boolean;
      properties: Record<
        string,
        { default?: unknown; properties?: Record<string, { default?: unknown; type?: string }> }
      >;
    };
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.regions?.default).toEqual(['us-east-1']);
    expect(schema.properties.cache?.properties?.limitsTtl).toMatchObject({ type: 'string', default: '24h' });
    expect(schema.properties.aws?.properties?.maxAttempts).toMatchObject({ type: 'integer', default: 5 });
  });
});

describe('docs/configuration.md', () => {
  const docs = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');

  it('names every field', () => {
    const missing = fieldPaths(configSchema)
      .map((path) => path.join('.').replaceAll('.*', '[]'))
      .filter((name) => !docs.includes(`\`${name}\``));
    expect(missing).toEqual([]);
  });

  it('names every environment variable', () => {
    const variables = [CONFIG_FILE_VARIABLE, ...ENV_OVERRIDES.map((override) => override.variable)];
    expect(variables.filter((variable) => !docs.includes(`\`${variable}\``))).toEqual([]);
  });
});

describe('environment overrides', () => {
  it('are the ones headroom documents', () => {
    expect(
      Object.fromEntries(ENV_OVERRIDES.map((override) => [override.variable, override.path.join('.')])),
    ).toEqual({
      HEADROOM_HOME: 'home',
      HEADROOM_PROFILE: 'aws.profile',
      HEADROOM_ENDPOINT: 'aws.endpoint',
      HEADROOM_RETRY_MODE: 'aws.retryMode',
      HEADROOM_MAX_ATTEMPTS: 'aws.maxAttempts',
      HEADROOM_MAX_CONCURRENCY: 'aws.maxConcurrency',
      HEADROOM_REGIONS: 'regions',
      HEADROOM_LIMITS_TTL: 'cache.limitsTtl',
      HEADROOM_USAGE_TTL: 'cache.usageTtl',
      HEADROOM_USAGE_SOURCE: 'usage.source',
      HEADROOM_LOG_LEVEL: 'log.level',
    });
  });
});

describe('shared rules', () => {
  it.each([
    'us-east-1',
    'eu-central-2',
    'us-gov-west-1',
    'ap-southeast-5',
    'us-east',
    'US-EAST-1',
    'useast1',
    'x-east-1',
    '',
  ])('the region pattern agrees with domain isRegion on %j', (text) => {
    expect(REGION_PATTERN.test(text)).toBe(isRegion(text));
  });

  it('gives the logger the levels it accepts', () => {
    expectTypeOf<Config['log']['level']>().toEqualTypeOf<LogLevel>();
    expectTypeOf<Config['log']['fileLevel']>().toEqualTypeOf<LogLevel>();
  });
});
