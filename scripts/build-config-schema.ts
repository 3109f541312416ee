/**
 * Writes docs/headroom.schema.json, the JSON Schema of headroom.yaml, from the zod schema in
 * src/config/schema.ts. Run after changing the schema: `npx tsx scripts/build-config-schema.ts`.
 * src/config/json-schema.test.ts fails while the checked-in file is stale.
 */
import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { JSON_SCHEMA_FILE, renderJsonSchema } from '../src/config/json-schema.js';

writeFileSync(JSON_SCHEMA_FILE, await renderJsonSchema());
console.log(`wrote ${relative(process.cwd(), JSON_SCHEMA_FILE)}`);
