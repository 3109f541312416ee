/**
 * docs/headroom.schema.json as it should read: the schema's input side, formatted the way the
 * repository's Prettier formats JSON, so the checked-in file passes `prettier --check` and the
 * freshness test compares text. Development only (Prettier is a devDependency): the build script
 * and the test load it; headroom never does at run time.
 */
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { configJsonSchema } from './schema.js';

export const JSON_SCHEMA_FILE = fileURLToPath(new URL('../../docs/headroom.schema.json', import.meta.url));

export async function renderJsonSchema(): Promise<string> {
  const options = (await resolveConfig(JSON_SCHEMA_FILE)) ?? {};
  return format(JSON.stringify(configJsonSchema()), { ...options, filepath: JSON_SCHEMA_FILE });
}
