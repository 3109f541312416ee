/**
 * Environment overrides, read from the schema: each field whose info names an `env` variable.
 * Precedence is defaults < file < env (< flags, which the CLI applies on top).
 */
import { choicesOf, fieldPaths, infoOf, schemaAt } from './fields.js';
import { configSchema } from './schema.js';

/** Names the config file to read; checked before ./headroom.yaml and <home>/headroom.yaml. */
export const CONFIG_FILE_VARIABLE = 'HEADROOM_CONFIG';

export interface EnvOverride {
  readonly variable: `HEADROOM_${string}`;
  /** The field it sets: `['aws', 'maxAttempts']`. */
  readonly path: readonly string[];
  /** How its text is read: as is, as a number, or as a comma-separated list. */
  readonly kind: 'string' | 'number' | 'list';
}

/** Every variable that overrides a field, in schema order. */
export const ENV_OVERRIDES: readonly EnvOverride[] = fieldPaths(configSchema).flatMap((path) => {
  const schema = schemaAt(configSchema, path);
  const info = schema === undefined ? undefined : infoOf(schema);
  if (info?.env === undefined) return [];
  const kind = typeof info.example === 'number' ? 'number' : Array.isArray(info.example) ? 'list' : 'string';
  return [{ variable: info.env, path, kind }];
});

export interface EnvValue extends EnvOverride {
  readonly value: unknown;
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)$/;

/**
 * The overrides set in `env`. An empty variable counts as unset. A number that does not read as
 * one stays text, so the schema reports it as given (`got 'abc'`).
 */
export function readEnvOverrides(env: NodeJS.ProcessEnv): EnvValue[] {
  return ENV_OVERRIDES.flatMap((override) => {
    const text = env[override.variable]?.trim() ?? '';
    if (text === '') return [];
    let value: unknown = text;
    if (override.kind === 'number' && NUMBER.test(text)) value = Number(text);
    // A list field may also take a word (regions: all, in-use).
    if (
      override.kind === 'list' &&
      !choicesOf(schemaAt(configSchema, override.path) ?? configSchema).includes(text)
    ) {
      value = text
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '');
    }
    return [{ ...override, value }];
  });
}
