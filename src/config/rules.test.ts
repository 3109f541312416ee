/**
 * The engine's part of headroom.yaml through loadConfig, with real files in a temp dir: rules
 * filled from engine.defaults and the built-in defaults, rules from included files after the
 * config's own, and every bad rule as one line naming the file position, the rule and the field.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../domain/errors.js';
import { loadConfig } from './load.js';

let root: string;
let cwd: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'headroom-rules-'));
  cwd = join(root, 'work');
  await mkdir(cwd);
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const yaml = (...lines: string[]): string => `${lines.join('\n')}\n`;

async function write(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
}

async function load(main: string, files: Record<string, string> = {}) {
  await write(join(cwd, 'headroom.yaml'), main);
  for (const [name, text] of Object.entries(files)) await write(join(cwd, name), text);
  return loadConfig({ cwd, env: { HOME: root } });
}

async function problem(main: string, files: Record<string, string> = {}): Promise<string> {
  try {
    await load(main, files);
  } catch (error) {
    if (error instanceof ConfigError) return `${error.code}: ${error.message}; ${error.hint ?? ''}`;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('rules', () => {
  it('fills what a rule leaves out from engine.defaults, then the built-in defaults', async () => {
    const { config } = await load(
      yaml(
        'engine:',
        '  defaults: {level: alert_only, thresholds: {warning: 70}, cooldown: 2h}',
        '  supportCasesPerHour: 1',
        '  approvalTtl: 24h',
        'notifications:',
        '  channels:',
        "    ops: {type: webhook, url: 'https://hooks.example.com/q'}",
        '    chat: {type: slack, urlEnv: HEADROOM_SLACK_URL}',
        '    topic: {type: sns, topicArn: arn:aws:sns:us-east-1:123456789012:quota-alerts}',
        'prices:',
        "  'ec2/L-1216C47A': 40",
        "  'lambda/*': 1",
        'rules:',
        '  - name: compute',
        '    match: {services: [ec2], quotas: [L-1216C47A]}',
        '    level: auto_approve',
        '    thresholds: {critical: 85}',
        '    maxValue: 5000',
        '    costThreshold: 1000',
        "    businessHours: {days: [mon-wed, fri], hours: '08:30-18:00', timeZone: Europe/Berlin}",
        '    notify: [chat]',
      ),
    );
    const [compute] = config.engine.rules;
    expect(compute).toEqual({
      name: 'compute',
      index: 0,
      file: 'headroom.yaml',
      match: { accounts: [], regions: [], services: ['ec2'], quotas: ['L-1216C47A'] },
      level: 'auto_approve',
      thresholds: { warning: 70, critical: 85, emergency: 95 },
      multiplier: 2,
      buffer: 25,
      maxValue: 5000,
      approvalRequired: false,
      costThreshold: 1000,
      businessHours: {
        days: ['mon', 'tue', 'wed', 'fri'],
        startMinute: 510,
        endMinute: 1080,
        timeZone: 'Europe/Berlin',
      },
      cooldownMs: 2 * 3_600_000,
      notify: ['chat'],
      mute: false,
      own: ['level', 'thresholds', 'maxValue', 'costThreshold', 'businessHours', 'notify'],
    });
    expect(config.engine.defaults).toMatchObject({ level: 'alert_only', notify: ['ops', 'chat', 'topic'] });
    expect(config.engine.supportCasesPerHour).toBe(1);
    expect(config.engine.approvalTtlMs).toBe(24 * 3_600_000);
    expect(config.prices['ec2/L-1216C47A']).toBe(40);
    expect(config.prices['lambda/*']).toBe(1);
    expect(config.prices['vpc/L-FE5A380F']).toBe(32.85);
  });

  it('adds the rules of included files after its own, in file-name order, with their files', async () => {
    const rule = (name: string) => yaml('rules:', `  - name: ${name}`, '    level: alert_only');
    const { config } = await load(yaml('include: [rules/*.yaml, extra.yaml]', 'rules:', '  - name: own'), {
      'rules/b.yaml': rule('bee'),
      'rules/a.yaml': rule('ay'),
      'rules/notes.txt': 'not yaml: [',
      'extra.yaml': rule('extra'),
    });
    expect(config.engine.rules.map((r) => [r.name, r.index, r.file])).toEqual([
      ['own', 0, 'headroom.yaml'],
      ['ay', 1, join('rules', 'a.yaml')],
      ['bee', 2, join('rules', 'b.yaml')],
      ['extra', 3, 'extra.yaml'],
    ]);
    expect(config.include).toEqual([]);
  });
});

describe('bad rules: one line naming the file, the rule and the field', () => {
  it.each([
    [
      'an unknown automation level',
      yaml('rules:', '  - name: compute', '    level: auto'),
      "HR_CONFIG_INVALID: headroom.yaml:3:12: rules.0 (compute).level must be one of monitor_only, alert_only, auto_request, auto_approve, full_auto (got 'auto'); write level: alert_only",
    ],
    [
      'thresholds out of order against the defaults',
      yaml('rules:', '  - name: compute', '    thresholds: {warning: 92}'),
      'HR_CONFIG_INVALID: headroom.yaml:3:27: rules.0 (compute).thresholds.warning (92) is out of order: critical (90) must be above warning (92); order them warning < critical < emergency, e.g. 80, 90, 95',
    ],
    [
      'an invalid time zone',
      yaml('rules:', '  - name: compute', '    businessHours: {timeZone: Mars/Olympus_Mons}'),
      "HR_CONFIG_INVALID: headroom.yaml:3:31: rules.0 (compute).businessHours.timeZone must be an IANA time zone such as Europe/London or America/New_York (got 'Mars/Olympus_Mons'); write timeZone: Europe/London",
    ],
    [
      'hours that end before they start',
      yaml('rules:', '  - name: compute', "    businessHours: {hours: '18:00-09:00', timeZone: UTC}"),
      "HR_CONFIG_INVALID: headroom.yaml:3:28: rules.0 (compute).businessHours.hours must be a range of 24-hour times such as 09:00-17:00, the start before the end (got '18:00-09:00'); write hours: 09:00-17:00",
    ],
    [
      'a ceiling of zero',
      yaml('rules:', '  - name: compute', '    maxValue: 0'),
      'HR_CONFIG_INVALID: headroom.yaml:3:15: rules.0 (compute).maxValue must be a number above 0 such as 2000 (got 0); write maxValue: 2000',
    ],
    [
      'a channel that does not exist',
      yaml('rules:', '  - name: compute', '    notify: [pager]'),
      'HR_CONFIG_INVALID: headroom.yaml:3:14: rules.0 (compute).notify.0 (pager) is no channel under notifications.channels; add the channel under notifications.channels',
    ],
    [
      'two rules of one name',
      yaml('rules:', '  - name: compute', '  - name: compute'),
      'HR_CONFIG_INVALID: headroom.yaml:3:11: rules.1 (compute).name (compute) repeats the name of rules.0; give each rule its own name',
    ],
    [
      'a setting in snake_case',
      yaml('rules:', '  - name: compute', '    max_value: 10'),
      'HR_CONFIG_INVALID: headroom.yaml:3:5: rules.0 (compute).max_value is not a setting headroom knows; did you mean maxValue?',
    ],
  ])('%s', async (_what, text, expected) => {
    expect(await problem(text)).toBe(expected);
  });

  it('a problem in an included file is located there, numbered as there', async () => {
    expect(
      await problem(yaml('include: [team.yaml]', 'rules:', '  - name: own'), {
        'team.yaml': yaml('rules:', '  - name: fine', '  - name: broken', '    multiplier: 0.5'),
      }),
    ).toBe(
      'HR_CONFIG_INVALID: team.yaml:4:17: rules.1 (broken).multiplier must be a number from 1 to 100 such as 1.5 (got 0.5); write multiplier: 1.5',
    );
  });

  it('an included file with something besides rules', async () => {
    expect(
      await problem(yaml('include: [team.yaml]'), { 'team.yaml': yaml('rules: []', 'regions: [us-east-1]') }),
    ).toBe(
      'HR_CONFIG_INVALID: team.yaml:2:1: regions is not allowed in an included file; an included file holds only rules: (a list of rules); other settings belong in headroom.yaml',
    );
  });

  it('an include that matches no file', async () => {
    expect(await problem(yaml('include: [rules/*.yml]'))).toMatch(
      /^HR_CONFIG_NOT_FOUND: headroom\.yaml: include\.0 \(rules\/\*\.yml\) matches no file; paths are relative to /,
    );
  });

  it('a webhook channel with neither url nor urlEnv', async () => {
    expect(await problem(yaml('notifications:', '  channels:', '    ops: {type: webhook}'))).toBe(
      'HR_CONFIG_INVALID: headroom.yaml:3:5: notifications.channels.ops.url is needed (or urlEnv); give the URL in url, or name the variable holding it in urlEnv; not both',
    );
  });
});
