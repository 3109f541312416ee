import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Gauge, Registry } from 'prom-client';
import { openSqliteStore } from '/work/wt-srv/src/storage/sqlite/index.ts';
import { buildFamilies, QUOTA_LABELS } from '/work/wt-srv/src/metrics/exporter.ts';
import { fillMetricsScenario, DEFAULT_METRICS_BENCH } from '/work/wt-srv/bench/metrics.ts';
const dir = mkdtempSync(join(tmpdir(), 'p-'));
const store = await openSqliteStore(join(dir, 's.db'));
await fillMetricsScenario(store, DEFAULT_METRICS_BENCH);
for (let r = 0; r < 3; r++) {
  let t = performance.now();
  const [snapshots, health, apiCalls] = await Promise.all([store.latestSnapshots(), store.collectorHealth(), store.apiCallTotals()]);
  const tRead = performance.now() - t; t = performance.now();
  const f = buildFamilies({ snapshots, health, apiCalls });
  const tBuild = performance.now() - t; t = performance.now();
  const reg = new Registry();
  const gs = (['limit','default','usage','ratio'] as const).map((k) => { const g = new Gauge({ name: 'x_' + k, help: 'h', labelNames: QUOTA_LABELS, registers: [reg] }); for (const s of f[k]) g.set(s.labels, s.value); return g; });
  const tSet = performance.now() - t; t = performance.now();
  const text = await reg.metrics();
  const tSer = performance.now() - t;
  console.log({ tRead, tBuild, tSet, tSer, len: text.length });
}
await store.close();
