/**
 * `headroom serve` from the command line: bad serve settings and a non-loopback address are
 * refused with one line naming the field (before anything listens), and the generated artifacts
 * print.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderDashboard } from '../../src/metrics/dashboard.js';
import { renderRules } from '../../src/metrics/rules.js';
import { runHeadroom } from '../helpers/aws-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'headroom-cli-serve-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function config(name: string, ...lines: string[]): string {
  const file = join(dir, `${name}.yaml`);
  // An endpoint nobody listens on: nothing here may reach it.
  writeFileSync(
    file,
    [`home: ${join(dir, name)}`, 'aws:', '  endpoint: http://127.0.0.1:9', ...lines, ''].join('\n'),
  );
  return file;
}

describe('headroom serve refuses bad input with one line naming the field', () => {
  it.each([
    [['serve:', '  port: 70000'], 'serve.port must be a whole number from 0 to 65535 (got 70000)'],
    [['serve:', '  jitter: 0.75'], 'serve.jitter must be a number from 0 to 0.5 (got 0.75)'],
    [
      ['serve:', '  schedule:', '    usage: 30s'],
      "serve.schedule.usage must be a duration from 1m to 30d such as 1h (got '30s')",
    ],
    [
      ['serve:', '  host: not a host'],
      "serve.host must be a host name or IP address such as 127.0.0.1 (got 'not a host')",
    ],
    [['serve:', '  allowRemote: sometimes'], "serve.allowRemote must be true or false (got 'sometimes')"],
  ])('%j', async (lines, message) => {
    const result = await runHeadroom(['--config', config('bad', ...lines), 'serve', '--port', '0']);
    expect(result.code).toBe(2);
    const stderr = result.stderr.trim().split('\n');
    expect(stderr).toHaveLength(1);
    expect(stderr[0]).toContain(`error HR_CONFIG_INVALID: `);
    expect(stderr[0]).toContain(message);
  });

  it.each([
    [['--host', '0.0.0.0'], [], '--host 0.0.0.0 is not a loopback address'],
    [[], ['serve:', '  host: 0.0.0.0'], 'serve.host 0.0.0.0 is not a loopback address'],
  ])('refuses a non-loopback address %j %j without serve.allowRemote', async (flags, lines, message) => {
    const result = await runHeadroom([
      '--config',
      config('remote', ...lines),
      'serve',
      '--port',
      '0',
      ...flags,
    ]);
    expect(result.code).toBe(2);
    const stderr = result.stderr.trim().split('\n');
    expect(stderr).toHaveLength(1);
    expect(stderr[0]).toMatch(/^error HR_SERVE_REMOTE_BIND: /);
    expect(stderr[0]).toContain(message);
    expect(stderr[0]).toContain('serve.allowRemote: true');
  });

  it.each([
    [
      [],
      ['serve:', '  host: 0.0.0.0', '  allowRemote: true'],
      {},
      'HR_SERVE_AUTH_REQUIRED',
      'serve.host 0.0.0.0 is not a loopback address and serve has no authentication',
    ],
    [
      ['--host', '0.0.0.0'],
      ['serve:', '  allowRemote: true'],
      { HEADROOM_SERVE_TOKEN: 'short' },
      'HR_SERVE_AUTH',
      'HEADROOM_SERVE_TOKEN holds a token of 5 characters; serve.auth needs at least 16',
    ],
    [
      [],
      ['serve:', '  auth:', '    username: ops', '    passwordEnv: UNSET_PASSWORD'],
      {},
      'HR_SERVE_AUTH',
      'serve.auth.passwordEnv names UNSET_PASSWORD, which is not set',
    ],
    [
      [],
      ['serve:', '  auth:', '    username: ops'],
      {},
      'HR_CONFIG_INVALID',
      'serve.auth.passwordEnv is needed with username for basic authentication',
    ],
    [
      [],
      ['serve:', '  auth:', '    tokenEnv: not a name'],
      {},
      'HR_CONFIG_INVALID',
      "serve.auth.tokenEnv must be an environment variable name such as HEADROOM_SERVE_TOKEN (got 'not a name')",
    ],
    [
      [],
      ['serve:', '  auth:', '    username: "o:ps"', '    passwordEnv: P'],
      {},
      'HR_CONFIG_INVALID',
      'serve.auth.username must be a user name of 1 to 64 characters, without spaces or colons',
    ],
  ])('refuses serve without usable authentication %j %j %j', async (flags, lines, env, code, message) => {
    const result = await runHeadroom(
      ['--config', config('auth', ...lines), 'serve', '--port', '0', ...flags],
      30_000,
      env,
    );
    expect(result.code).toBe(2);
    const stderr = result.stderr.trim().split('\n');
    expect(stderr).toHaveLength(1);
    expect(stderr[0]).toMatch(new RegExp(`^error ${code}: `));
    expect(stderr[0]).toContain(message);
  });

  it('refuses a bad --port', async () => {
    const result = await runHeadroom(['--config', config('port'), 'serve', '--port', 'http']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('expected a port from 0 to 65535');
  });
});

describe('generated artifacts', () => {
  it('prints the rules and the dashboard', async () => {
    const rules = await runHeadroom(['--config', config('rules'), 'prometheus-rules']);
    expect(rules).toMatchObject({ code: 0, stdout: renderRules() });
    const dashboard = await runHeadroom(['grafana-dashboard']);
    expect(dashboard).toMatchObject({ code: 0, stdout: renderDashboard() });
  });
});
