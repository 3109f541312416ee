/**
 * `headroom sandbox` as a user runs it: a bad flag is one line on stderr naming the flag and exit
 * 2; a port in use is one line with HR_SANDBOX_PORT_IN_USE and exit 1; otherwise it prints its
 * banner, serves until SIGTERM or SIGINT, and then exits 0.
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  BANNER_FIRST_LINE,
  type ProcessResult,
  getJson,
  runHeadroom,
  sandboxInfo,
  startHeadroomSandbox,
  stopAllSandboxes,
} from '../helpers/aws-cli.js';

afterAll(async () => {
  await stopAllSandboxes();
}, 30_000);

/** The lines of stderr, without the newline that ends the last. */
function stderrLines(result: ProcessResult): string[] {
  return result.stderr.replace(/\n$/, '').split('\n');
}

describe('headroom sandbox with a bad flag', () => {
  // Every case but the port itself asks for port 0, so a flag wrongly accepted cannot take 4566.
  const cases: { flag: string; args: string[] }[] = [
    { flag: '--port', args: ['--port', 'abc'] },
    { flag: '--port', args: ['--port', '70000'] },
    { flag: '--accounts', args: ['--port', '0', '--accounts', '0'] },
    { flag: '--accounts', args: ['--port', '0', '--accounts', 'x'] },
    { flag: '--regions', args: ['--port', '0', '--regions', 'us-east-1,nowhere'] },
    { flag: '--throttle', args: ['--port', '0', '--throttle', 'maybe'] },
    { flag: '--fault-rate', args: ['--port', '0', '--fault-rate', '2'] },
    { flag: '--latency-ms', args: ['--port', '0', '--latency-ms', '-1'] },
    { flag: '--page-size', args: ['--port', '0', '--page-size', '0'] },
    { flag: '--seed', args: ['--port', '0', '--seed', '-3'] },
    { flag: '--bogus', args: ['--port', '0', '--bogus'] },
  ];
  it.each(cases.map((c) => ({ ...c, command: `headroom sandbox ${c.args.join(' ')}` })))(
    '$command exits 2 with one line on stderr naming $flag',
    async ({ flag, args }) => {
      const result = await runHeadroom(['sandbox', ...args]);
      expect(result.signal).toBeNull();
      expect(result.code, `stderr: ${result.stderr}`).toBe(2);
      expect(result.stdout).toBe('');
      const lines = stderrLines(result);
      expect(lines, result.stderr).toHaveLength(1);
      const [line = ''] = lines;
      expect(line).toMatch(/^error\b/);
      // It names the flag, and no other.
      expect(line.match(/--[a-z][a-z-]*/g)).toEqual([flag]);
    },
    60_000,
  );
});

describe('headroom sandbox on a port in use', () => {
  it('exits 1 with one line saying HR_SANDBOX_PORT_IN_USE, and leaves the running sandbox alone', async () => {
    const first = await startHeadroomSandbox(['--port', '0']);
    let exit;
    try {
      const second = await runHeadroom(['sandbox', '--port', String(first.port)]);
      expect(second.signal).toBeNull();
      expect(second.code, `stderr: ${second.stderr}`).toBe(1);
      expect(second.stdout).toBe('');
      const lines = stderrLines(second);
      expect(lines, second.stderr).toHaveLength(1);
      expect(lines[0]).toContain('HR_SANDBOX_PORT_IN_USE');
      expect(lines[0]).toContain(String(first.port));
      expect(await getJson(`${first.url}/_sandbox/health`)).toEqual({ status: 'ok' });
    } finally {
      exit = await first.stop();
    }
    expect(exit).toEqual({ code: 0, signal: null });
  }, 90_000);
});

describe('headroom sandbox running', () => {
  it('prints its URL and every account’s keys, answers /_sandbox/health, and exits 0 on SIGTERM', async () => {
    const sandbox = await startHeadroomSandbox(['--port', '0', '--accounts', '4', '--seed', '7']);
    let stopped = false;
    try {
      const lines = sandbox.stdout().split('\n');
      expect(lines[0]).toMatch(BANNER_FIRST_LINE);
      expect(lines[0]).toBe(`headroom sandbox listening on http://127.0.0.1:${sandbox.port}`);
      expect(sandbox.port).toBeGreaterThan(0);

      const info = await sandboxInfo(sandbox.url);
      expect(info.url).toBe(sandbox.url);
      expect(info.seed).toBe(7);
      expect(info.accounts).toHaveLength(4);
      expect(info.accounts.filter((a) => a.management).map((a) => a.id)).toEqual([info.accounts[0]?.id]);
      for (const account of info.accounts) {
        // One banner line per account: its id, name and both keys.
        const row = lines.find((line) => line.includes(account.id));
        expect(row, `no banner line for account ${account.id}`).toBeDefined();
        expect(row).toContain(account.name);
        expect(row).toContain(account.accessKeyId);
        expect(row).toContain(account.secretAccessKey);
      }
      expect(sandbox.stdout()).toContain(`--endpoint-url ${sandbox.url} `);
      expect(sandbox.stderr()).toBe('');

      expect(await getJson(`${sandbox.url}/_sandbox/health`)).toEqual({ status: 'ok' });

      const exit = await sandbox.stop('SIGTERM');
      stopped = true;
      expect(exit).toEqual({ code: 0, signal: null });
      expect(sandbox.stderr()).toBe('');
      // Stopped means stopped: nothing answers on its port any more.
      await expect(fetch(`${sandbox.url}/_sandbox/health`)).rejects.toThrow();
    } finally {
      if (!stopped) await sandbox.stop('SIGKILL');
    }
  }, 90_000);

  it('exits 0 on SIGINT (Ctrl-C) too', async () => {
    const sandbox = await startHeadroomSandbox(['--port', '0']);
    expect(await getJson(`${sandbox.url}/_sandbox/health`)).toEqual({ status: 'ok' });
    expect(await sandbox.stop('SIGINT')).toEqual({ code: 0, signal: null });
    expect(sandbox.stderr()).toBe('');
  }, 90_000);
});
