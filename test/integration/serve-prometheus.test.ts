/**
 * A real Prometheus scrapes `headroom serve --once` (a child process, as an operator runs it) on
 * the sandbox: the target comes up, and a PromQL query for EC2's On-Demand Standard vCPUs
 * (L-1216C47A) gives the utilization the store holds. Skipped, with the reason printed, only
 * when /usr/bin/prometheus is not installed (Debian package prometheus).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { openSqliteStore } from '../../src/storage/sqlite/index.js';
import { freePort } from '../helpers/databases.js';
import { startProcess as start, stopProcesses, until } from '../helpers/processes.js';
import { sandboxAccounts, sandboxConfig } from '../helpers/sandbox.js';
import { startServeProcess } from '../helpers/serve.js';

const PROMETHEUS = '/usr/bin/prometheus';
const QUOTA = 'L-1216C47A';
const missing = !existsSync(PROMETHEUS);
if (missing) console.warn(`skipped: ${PROMETHEUS} is not installed (Debian package prometheus)`);

let sandbox: Sandbox;
let dir: string;

beforeAll(async () => {
  if (missing) return;
  sandbox = await startSandbox({ throttle: 'off', regions: ['us-east-1'] });
  dir = mkdtempSync(join(tmpdir(), 'headroom-prometheus-'));
});

afterAll(async () => {
  await stopProcesses();
  if (!missing) {
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

describe.skipIf(missing)('Prometheus scraping headroom serve', () => {
  it(
    'scrapes the target and answers PromQL with the utilization the store holds',
    { timeout: 120_000 },
    async () => {
      const { management } = sandboxAccounts(sandbox);
      const configFile = join(dir, 'headroom.yaml');
      writeFileSync(
        configFile,
        sandboxConfig(sandbox, {
          regions: ['us-east-1'],
          services: ['ec2'],
          extra: [`home: ${dir}`, 'log:', '  level: warn'],
        }),
      );
      const { url: metricsUrl } = await startServeProcess(configFile, management, 60_000);
      const target = metricsUrl.replace('http://', '');

      const port = await freePort();
      writeFileSync(
        join(dir, 'prometheus.yml'),
        [
          'global:',
          '  scrape_interval: 1s',
          '  evaluation_interval: 1s',
          'scrape_configs:',
          '  - job_name: headroom',
          '    static_configs:',
          `      - targets: ['${target}']`,
          '',
        ].join('\n'),
      );
      const prometheus = start(
        PROMETHEUS,
        [
          `--config.file=${join(dir, 'prometheus.yml')}`,
          `--storage.tsdb.path=${join(dir, 'tsdb')}`,
          `--web.listen-address=127.0.0.1:${port}`,
          '--storage.tsdb.retention.time=1h',
        ],
        process.env,
      );
      const api = `http://127.0.0.1:${port}/api/v1`;
      await until(
        'the headroom target up in Prometheus',
        60_000,
        async () => {
          const body = (await (await fetch(`${api}/targets`)).json()) as {
            data: { activeTargets: { health: string }[] };
          };
          return body.data.activeTargets.some((t) => t.health === 'up') ? true : undefined;
        },
        () => prometheus.output.text,
      );

      // What the store holds, read beside the running server (SQLite in WAL mode).
      const store = await openSqliteStore(join(dir, 'headroom.sqlite'));
      const expected = new Map<string, number>();
      try {
        for (const entry of await store.latestSnapshots()) {
          const quota = entry.limits?.quotas.find((q) => q.quotaCode === QUOTA);
          const sample = entry.usage?.samples.find((s) => s.quotaCode === QUOTA && s.resource === undefined);
          if (quota?.value && sample) expected.set(entry.target.accountId, sample.value / quota.value);
        }
      } finally {
        await store.close();
      }
      expect(expected.size).toBe(3);

      const query = encodeURIComponent(
        `headroom_quota_usage_ratio{quota_code="${QUOTA}",region="us-east-1"}`,
      );
      const results = await until(
        'the ratio of every account in Prometheus',
        30_000,
        async () => {
          const body = (await (await fetch(`${api}/query?query=${query}`)).json()) as {
            status: string;
            data: { result: { metric: Record<string, string>; value: [number, string] }[] };
          };
          return body.data.result.length === expected.size ? body.data.result : undefined;
        },
        () => prometheus.output.text,
      );
      for (const result of results) {
        const accountId = result.metric.account_id ?? '';
        expect(result.metric).toMatchObject({ job: 'headroom', service: 'ec2', quota_code: QUOTA });
        expect(Number(result.value[1])).toBeCloseTo(expected.get(accountId) ?? Number.NaN, 12);
      }
    },
  );
});
