/**
 * Writes data/sandbox-quotas.json, the sandbox's catalog, from the real default-quota catalog.
 * Run after changing src/sandbox/data/enrich-catalog.ts: `npx tsx scripts/build-sandbox-catalog.ts`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { enrichCatalog, type RawQuota } from '../src/sandbox/data/enrich-catalog.js';

const raw = JSON.parse(
  readFileSync(new URL('../data/aws-default-quotas.json', import.meta.url), 'utf8'),
) as RawQuota[];
const catalog = enrichCatalog(raw);
writeFileSync(
  new URL('../data/sandbox-quotas.json', import.meta.url),
  `${JSON.stringify(catalog, null, 1)}\n`,
);
const withMetric = catalog.quotas.filter((q) => q.UsageMetric).length;
console.log(
  `wrote data/sandbox-quotas.json: ${catalog.quotas.length} quotas, ${withMetric} with a usage metric ` +
    `(${((100 * withMetric) / catalog.quotas.length).toFixed(1)}%), ` +
    `${catalog.quotas.filter((q) => q._synthetic?.includes('UsageMetric')).length} of them synthetic`,
);
