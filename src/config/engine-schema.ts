/**
 * The policy engine's part of headroom.yaml: `rules` (and the files `include` names), `engine`
 * (the defaults a rule leaves to it, approvals, Support-case cap), `prices` and `notifications`.
 * Cross-field checks (thresholds in order once the defaults fill a rule, channels that exist,
 * rule names used once) are `checkEngine`, run with the rest of schema.ts's checks.
 * Documented in docs/configuration.md ("Rules").
 */
import * as z from 'zod';
import { QUOTA_CODE_PATTERN, SERVICE_CODE_PATTERN } from '../domain/quota.js';
import {
  AUTOMATION_LEVELS,
  type BusinessHours,
  isTimeZone,
  parseClock,
  type RuleSettings,
  type Weekday,
  WEEKDAYS,
} from '../domain/rule.js';
import { field } from './fields.js';
import { DAY, duration, HOUR, MINUTE, section, uniqueList, WHEN_VALID } from './schema-parts.js';

const RULE_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9._-]{0,63}$/;
const CHANNEL_NAME_PATTERN = RULE_NAME_PATTERN;
const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
const DAY_SPEC_PATTERN = /^(mon|tue|wed|thu|fri|sat|sun)(-(mon|tue|wed|thu|fri|sat|sun))?$/;
const HOURS_PATTERN = /^\d{2}:\d{2}-\d{2}:\d{2}$/;
const SNS_TOPIC_PATTERN = /^arn:aws[a-z-]*:sns:[a-z]{2}(-[a-z]+)+-\d+:\d{12}:[A-Za-z0-9_-]{1,256}$/;
const PRICE_KEY_PATTERN = new RegExp(
  `^${SERVICE_CODE_PATTERN.source.replace(/^\^|\$$/g, '')}/(${QUOTA_CODE_PATTERN.source.replace(/^\^|\$$/g, '')}|\\*)$`,
);

/** What a rule does where neither it nor `engine.defaults` says otherwise. */
export const BUILT_IN_DEFAULTS = {
  level: 'monitor_only',
  thresholds: { warning: 80, critical: 90, emergency: 95 },
  multiplier: 2,
  buffer: 25,
  cooldown: '24h',
} as const;

/**
 * Monthly prices (USD) of one unit of a few quotas, from AWS's on-demand prices in us-east-1:
 * what `prices` starts from. An estimate of what the added headroom would cost if it were used.
 */
export const BUILT_IN_PRICES: Readonly<Record<string, number>> = {
  // m7i.large: $0.1008/h for 2 vCPUs → ~$36.8 per vCPU-month.
  'ec2/L-1216C47A': 36.8,
  // g5.xlarge: $1.006/h for 4 vCPUs → ~$183.6 per vCPU-month.
  'ec2/L-DB2E81BA': 183.6,
  // p4d.24xlarge: $32.77/h for 96 vCPUs → ~$249 per vCPU-month.
  'ec2/L-417A185B': 249.2,
  // A public IPv4 address: $0.005/h.
  'ec2/L-0263D0A3': 3.65,
  // A NAT gateway: $0.045/h, before data.
  'vpc/L-FE5A380F': 32.85,
  // An Application / Network Load Balancer: $0.0225/h, before LCUs.
  'elasticloadbalancing/L-53DA6B97': 16.43,
  'elasticloadbalancing/L-69A177A2': 16.43,
  // An EKS cluster's control plane: $0.10/h.
  'eks/L-1194D53C': 73,
  // db.m7g.large single-AZ: $0.168/h.
  'rds/L-7B6409FD': 122.64,
};

const percentField = (description: string, example: number) =>
  field(z.number().gt(0).max(1000), description, {
    expected: 'a percent of the limit above 0 (e.g. 80)',
    example,
  });

const level = field(z.enum(AUTOMATION_LEVELS), 'What the rule lets the engine do.', {
  expected: `one of ${AUTOMATION_LEVELS.join(', ')}`,
  example: 'alert_only',
});

const thresholds = section(
  {
    warning: percentField('Percent of the limit where warning starts.', 80).optional(),
    critical: percentField('Percent of the limit where critical starts.', 90).optional(),
    emergency: percentField(
      'Percent of the limit where emergency starts (emergencies act outside business hours too).',
      95,
    ).optional(),
  },
  'Where each band starts, in percent of the limit: warning < critical < emergency. Missing ones come from engine.defaults.',
  { warning: 80, critical: 90, emergency: 95 },
);

const businessHours = section(
  {
    days: field(
      uniqueList(z.string().regex(DAY_SPEC_PATTERN), 'day').min(1),
      'The days, as names or ranges.',
      { expected: 'a list of days such as [mon-fri] or [mon, wed, sat]', example: ['mon-fri'] },
    ).prefault(['mon-fri']),
    hours: field(
      z
        .string()
        .regex(HOURS_PATTERN)
        .refine((text) => {
          const [start, end] = text.split('-').map(parseClock);
          return start !== null && end !== null && start !== undefined && end !== undefined && start < end;
        }),
      'From when to when, local time; the end is exclusive.',
      {
        expected: 'a range of 24-hour times such as 09:00-17:00, the start before the end',
        example: '09:00-17:00',
      },
    ).prefault('09:00-17:00'),
    timeZone: field(z.string().refine(isTimeZone), 'The IANA time zone the hours are in.', {
      expected: 'an IANA time zone such as Europe/London or America/New_York',
      example: 'Europe/London',
    }),
  },
  'When non-emergency actions may run. Outside these hours only emergencies act; alerts and proposals still go out.',
  { days: ['mon-fri'], hours: '09:00-17:00', timeZone: 'Europe/London' },
);

const channelNames = field(
  uniqueList(z.string().regex(CHANNEL_NAME_PATTERN), 'channel'),
  'The notification channels its alerts go to (names under notifications.channels); [] sends none.',
  { expected: 'a list of channel names such as [ops-webhook]', example: ['ops-webhook'] },
);

/** The settings a rule (or engine.defaults) may set; every one optional. */
const settings = {
  level: level.optional(),
  thresholds: thresholds.optional(),
  multiplier: field(z.number().min(1).max(100), 'The new limit is at least the current one times this.', {
    expected: 'a number from 1 to 100 such as 1.5',
    example: 1.5,
  }).optional(),
  buffer: field(
    z.number().min(0).max(95),
    'Percent of the new limit left free above the usage: the new limit is at least usage ÷ (1 − buffer/100).',
    { expected: 'a percent from 0 to 95 such as 25', example: 25 },
  ).optional(),
  maxValue: field(z.number().gt(0), 'The ceiling: the engine never asks for more than this.', {
    expected: 'a number above 0 such as 2000',
    example: 2000,
  }).optional(),
  approvalRequired: field(z.boolean(), 'Every action of the rule waits for a person.', {
    expected: 'true or false',
    example: true,
  }).optional(),
  costThreshold: field(
    z.number().min(0),
    'Estimated monthly cost (prices × added units) above which an action waits for a person.',
    { expected: 'an amount per month of 0 or more such as 500', example: 500 },
  ).optional(),
  businessHours: businessHours.optional(),
  cooldown: duration('No second action, and no repeat of an alert at the same band, within this long.', {
    min: 0,
    max: 90 * DAY,
    step: 1000,
    expected: 'a duration from 0s to 90d such as 24h',
    example: '24h',
  }).optional(),
  notify: channelNames.optional(),
  mute: field(z.boolean(), 'Record its alerts in the audit trail without sending them.', {
    expected: 'true or false',
    example: true,
  }).optional(),
};

function globList(description: string, expected: string, example: string[]) {
  return field(uniqueList(z.string().min(1).max(256), 'pattern'), description, { expected, example });
}

const match = section(
  {
    accounts: globList(
      'Account ids or names (globs: * and ?).',
      "a list of account ids or names such as ['123456789012', prod-*]",
      ['prod-*'],
    ).prefault([]),
    regions: globList('Regions (globs).', 'a list of regions such as [us-*, eu-west-1]', ['us-*']).prefault(
      [],
    ),
    services: globList(
      'Service codes (globs).',
      'a list of service codes such as [ec2, elasticloadbalancing]',
      ['ec2'],
    ).prefault([]),
    quotas: globList(
      'Quota codes or quota names (globs; names ignore case).',
      "a list of quota codes or names such as [L-1216C47A, 'Running On-Demand*']",
      ['L-1216C47A'],
    ).prefault([]),
  },
  'Which quotas the rule is for; a missing list matches anything. The most specific matching rule wins.',
  { services: ['ec2'], quotas: ['L-1216C47A'] },
);

export const ruleSchema = field(
  z.strictObject({
    name: field(z.string().regex(RULE_NAME_PATTERN), "The rule's name, unique among rules.", {
      expected: 'a name of letters, digits, . _ or - that starts with a letter',
      example: 'compute',
    }),
    match: match.prefault({}),
    ...settings,
  }),
  'A policy rule: which quotas it matches and what the engine may do for them.',
  { expected: 'a mapping with name, match and settings', example: { name: 'compute', level: 'alert_only' } },
);

export const rulesSchema = field(z.array(ruleSchema), 'Policy rules; see docs/configuration.md ("Rules").', {
  expected: 'a list of rules',
  example: [{ name: 'compute', match: { services: ['ec2'] }, level: 'alert_only' }],
});

/**
 * Which services' quotas a raise of a service's quota usually needs as well: more instances need
 * more volumes, addresses and load balancers. `engine.dependencies` is merged over it by service
 * (a service given `[]` has no dependents).
 */
export const BUILT_IN_DEPENDENCIES: Readonly<Record<string, readonly string[]>> = {
  ec2: ['ebs', 'vpc', 'elasticloadbalancing'],
  ecs: ['ec2', 'elasticloadbalancing', 'logs'],
  eks: ['ec2', 'ebs', 'vpc', 'elasticloadbalancing'],
  autoscaling: ['ec2', 'ebs'],
  lambda: ['logs', 'vpc'],
  rds: ['ebs', 'vpc'],
  elasticloadbalancing: ['vpc'],
};

const serviceCode = (description: string) =>
  field(z.string().regex(SERVICE_CODE_PATTERN), description, {
    expected: 'a Service Quotas service code such as ec2',
    example: 'ec2',
  });

export const engineSection = section(
  {
    defaults: section(
      settings,
      'What a rule does where it does not say (and what quotas no rule matches get).',
      {
        level: 'alert_only',
      },
    ).prefault({}),
    supportCasesPerHour: field(
      z.int().min(0).max(100),
      'At most this many Support cases opened by the engine per account per hour (AWS Support allows 10).',
      { expected: 'a whole number from 0 to 100', example: 3 },
    ).prefault(3),
    forecastHorizon: duration(
      'How far ahead the engine forecasts usage; it decides on the larger of current and forecast utilization. 0s: current only.',
      {
        min: 0,
        max: 90 * DAY,
        step: 1000,
        expected: 'a duration from 0s to 90d such as 7d',
        example: '7d',
      },
    ).prefault('7d'),
    approvalTtl: duration('How long a proposal waits for a person before it expires.', {
      min: MINUTE,
      max: 90 * DAY,
      step: 1000,
      expected: 'a duration from 1m to 90d such as 72h',
      example: '72h',
    }).prefault('72h'),
    spikes: section(
      {
        enabled: field(z.boolean(), 'Whether each pass looks for usage spikes.', {
          expected: 'true or false',
          example: true,
        }).prefault(true),
        medium: field(
          z.number().min(1.1).max(1000),
          'The ratio of a reading to its baseline from which it is a medium spike.',
          { expected: 'a ratio from 1.1 to 1000 such as 2', example: 2 },
        ).prefault(2),
        high: field(
          z.number().min(1.1).max(1000),
          'The ratio from which it is a high spike (above medium).',
          { expected: 'a ratio from 1.1 to 1000 such as 3', example: 3 },
        ).prefault(3),
        baseline: duration(
          'How far back the baseline reaches: the median of the readings in this window before the newest.',
          {
            min: HOUR,
            max: 30 * DAY,
            step: 1000,
            expected: 'a duration from 1h to 30d such as 24h',
            example: '24h',
          },
        ).prefault('24h'),
        minBaseline: field(
          z.number().min(0),
          'A baseline below this counts as this, so small counts (1 to 2, 2 to 5) are no spike: with 5, a spike needs a reading of at least 10.',
          { expected: 'a number of 0 or more such as 5', example: 5 },
        ).prefault(5),
      },
      "Spike detection: a reading against the median of the readings before it; a spike is an event (Quota Usage Spike) with its severity, alerted under the quota's rule.",
      { medium: 2, high: 3, baseline: '24h' },
    ).prefault({}),
    dependencies: field(
      z.record(
        serviceCode('A service whose quotas the engine raises.'),
        z.array(serviceCode('A service whose quotas such a raise usually needs too.')).max(50),
      ),
      "Which services depend on which: when the engine raises a quota of a service, it proposes raises for the dependent services' quotas at or above dependencyThreshold. Merged over the built-in map by service.",
      { expected: 'a mapping of service code to a list of service codes', example: { ec2: ['ebs', 'vpc'] } },
    ).prefault({}),
    dependencyThreshold: field(
      z.number().min(0).max(1000),
      "Utilization (percent of the limit) from which a dependent service's quota is proposed for a raise.",
      { expected: 'a percentage from 0 to 1000 such as 70', example: 70 },
    ).prefault(70),
  },
  'The policy engine: the defaults of every rule, approvals and Support cases.',
  { defaults: { level: 'alert_only' } },
);

export const pricesSchema = field(
  z.record(
    field(
      z.string().regex(PRICE_KEY_PATTERN),
      'SERVICE/QUOTA_CODE, or SERVICE/* for every quota of a service.',
      {
        expected: 'SERVICE/QUOTA_CODE such as ec2/L-1216C47A, or SERVICE/*',
        example: 'ec2/L-1216C47A',
      },
    ),
    field(z.number().min(0), 'Monthly price of one unit of the quota.', {
      expected: 'an amount of 0 or more such as 36.8',
      example: 36.8,
    }),
  ),
  'Monthly price of one unit per quota, for cost thresholds; merged over the built-in table.',
  { expected: 'a mapping of SERVICE/CODE to a price', example: { 'ec2/L-1216C47A': 36.8 } },
);

const url = (description: string) =>
  field(
    z.string().refine((text) => {
      try {
        const parsed = new URL(text);
        return parsed.protocol === 'https:' || parsed.protocol === 'http:';
      } catch {
        return false;
      }
    }),
    description,
    {
      expected: 'an http(s) URL such as https://hooks.example.com/quota',
      example: 'https://hooks.example.com/quota',
    },
  );

const envName = (description: string, example: string) =>
  field(z.string().regex(ENV_NAME_PATTERN), description, {
    expected: 'the name of an environment variable such as HEADROOM_SLACK_URL',
    example,
  });

const webhookChannel = z.strictObject({
  type: z.literal('webhook'),
  url: url('Where the JSON alert is POSTed.').optional(),
  urlEnv: envName(
    'An environment variable holding the URL (for URLs that carry a secret).',
    'HEADROOM_WEBHOOK_URL',
  ).optional(),
  secretEnv: envName(
    'An environment variable holding a secret: each body is signed with it (X-Headroom-Signature: sha256=HMAC).',
    'HEADROOM_WEBHOOK_SECRET',
  ).optional(),
});

const slackChannel = z.strictObject({
  type: z.literal('slack'),
  url: url('The Slack incoming-webhook URL.').optional(),
  urlEnv: envName(
    'An environment variable holding the incoming-webhook URL (it is a secret).',
    'HEADROOM_SLACK_URL',
  ).optional(),
});

const snsChannel = z.strictObject({
  type: z.literal('sns'),
  topicArn: field(z.string().regex(SNS_TOPIC_PATTERN), 'The SNS topic alerts are published to.', {
    expected: 'an SNS topic ARN such as arn:aws:sns:us-east-1:123456789012:quota-alerts',
    example: 'arn:aws:sns:us-east-1:123456789012:quota-alerts',
  }),
});

const channel = field(
  z.discriminatedUnion('type', [webhookChannel, slackChannel, snsChannel]).superRefine((entry, ctx) => {
    if (entry.type === 'sns') return;
    if ((entry.url === undefined) === (entry.urlEnv === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [entry.url === undefined ? 'url' : 'urlEnv'],
        message: entry.url === undefined ? 'is needed (or urlEnv)' : 'cannot be set together with urlEnv',
        params: { hint: 'give the URL in url, or name the variable holding it in urlEnv; not both' },
      });
    }
  }, WHEN_VALID),
  'A notification channel: a JSON webhook, a Slack incoming webhook, or an SNS topic.',
  {
    expected: 'a mapping with type webhook, slack or sns',
    example: { type: 'webhook', url: 'https://hooks.example.com/quota' },
  },
);

export const notificationsSection = section(
  {
    channels: field(
      z.record(
        field(z.string().regex(CHANNEL_NAME_PATTERN), 'A channel name.', {
          expected: 'a name of letters, digits, . _ or - that starts with a letter',
          example: 'ops-webhook',
        }),
        channel,
      ),
      'Channels by name; rules send to all of them unless their notify says otherwise.',
      {
        expected: 'a mapping of channel names to channels',
        example: { ops: { type: 'webhook', url: 'https://hooks.example.com/quota' } },
      },
    ).prefault({}),
    attempts: field(
      z.int().min(1).max(20),
      'Delivery attempts per alert before it is given up (the first included).',
      {
        expected: 'a whole number from 1 to 20',
        example: 5,
      },
    ).prefault(5),
    timeout: duration('How long one delivery attempt may take.', {
      min: 1000,
      max: 5 * MINUTE,
      step: 1000,
      expected: 'a duration from 1s to 5m such as 10s',
      example: '10s',
    }).prefault('10s'),
  },
  'Where alerts go, and how hard delivery tries.',
  { channels: { ops: { type: 'webhook', url: 'https://hooks.example.com/quota' } } },
);

export const includeSchema = field(
  uniqueList(z.string().min(1), 'file'),
  'Files (globs allowed) whose `rules:` are added after these, relative to this file.',
  { expected: 'a list of file paths such as [rules/*.yaml]', example: ['rules/*.yaml'] },
);

type RawSettings = { [K in keyof typeof settings]?: z.output<(typeof settings)[K]> };

function expandDays(specs: readonly string[]): Weekday[] {
  const days = new Set<Weekday>();
  for (const spec of specs) {
    const [from, to] = spec.split('-') as [Weekday, Weekday | undefined];
    const start = WEEKDAYS.indexOf(from);
    const end = WEEKDAYS.indexOf(to ?? from);
    for (let i = start; ; i = (i + 1) % 7) {
      days.add(WEEKDAYS[i] as Weekday);
      if (i === end) break;
    }
  }
  return WEEKDAYS.filter((d) => days.has(d));
}

function hoursOf(raw: NonNullable<RawSettings['businessHours']>): BusinessHours {
  const [start, end] = raw.hours.split('-').map((t) => parseClock(t) ?? 0) as [number, number];
  return { days: expandDays(raw.days), startMinute: start, endMinute: end, timeZone: raw.timeZone };
}

/** A rule's settings: its own, else engine.defaults', else the built-in ones. */
export function resolveSettings(
  own: RawSettings,
  defaults: RawSettings,
  channels: readonly string[],
  builtInCooldownMs: number = 24 * HOUR,
): RuleSettings {
  const t = { ...BUILT_IN_DEFAULTS.thresholds, ...defaults.thresholds, ...own.thresholds };
  const hours = own.businessHours ?? defaults.businessHours;
  return {
    level: own.level ?? defaults.level ?? BUILT_IN_DEFAULTS.level,
    thresholds: { warning: t.warning, critical: t.critical, emergency: t.emergency },
    multiplier: own.multiplier ?? defaults.multiplier ?? BUILT_IN_DEFAULTS.multiplier,
    buffer: own.buffer ?? defaults.buffer ?? BUILT_IN_DEFAULTS.buffer,
    maxValue: own.maxValue ?? defaults.maxValue ?? null,
    approvalRequired: own.approvalRequired ?? defaults.approvalRequired ?? false,
    costThreshold: own.costThreshold ?? defaults.costThreshold ?? null,
    businessHours: hours === undefined ? null : hoursOf(hours),
    cooldownMs: own.cooldown ?? defaults.cooldown ?? builtInCooldownMs,
    notify: own.notify ?? defaults.notify ?? channels,
    mute: own.mute ?? defaults.mute ?? false,
  };
}

export interface EngineFields {
  readonly rules: readonly ({ name: string } & RawSettings)[];
  readonly engine: { readonly defaults: RawSettings; readonly spikes: { medium: number; high: number } };
  readonly notifications: { readonly channels: Record<string, unknown> };
}

/** Checks across the engine's fields, with the path of the field at fault. */
export function checkEngine(input: EngineFields, ctx: z.RefinementCtx): void {
  const channels = Object.keys(input.notifications.channels);
  const checkSettings = (own: RawSettings, path: (string | number)[], defaults: RawSettings) => {
    const t = { ...BUILT_IN_DEFAULTS.thresholds, ...defaults.thresholds, ...own.thresholds };
    const pairs = [
      ['critical', 'warning'],
      ['emergency', 'critical'],
    ] as const;
    for (const [upper, lower] of pairs) {
      if (t[upper] > t[lower]) continue;
      const mine = own.thresholds?.[upper] !== undefined ? upper : lower;
      ctx.addIssue({
        code: 'custom',
        path: [...path, 'thresholds', mine],
        message: `(${t[mine]}) is out of order: ${upper} (${t[upper]}) must be above ${lower} (${t[lower]})`,
        params: { hint: 'order them warning < critical < emergency, e.g. 80, 90, 95' },
      });
      return;
    }
    (own.notify ?? []).forEach((name, index) => {
      if (channels.includes(name)) return;
      ctx.addIssue({
        code: 'custom',
        path: [...path, 'notify', index],
        message: `(${name}) is no channel under notifications.channels`,
        params: {
          hint:
            channels.length === 0
              ? 'add the channel under notifications.channels'
              : `use one of: ${channels.join(', ')}`,
        },
      });
    });
  };
  checkSettings(input.engine.defaults, ['engine', 'defaults'], {});
  const { spikes } = input.engine;
  if (spikes.high <= spikes.medium) {
    ctx.addIssue({
      code: 'custom',
      path: ['engine', 'spikes', 'high'],
      message: `(${spikes.high}) must be above medium (${spikes.medium})`,
      params: { hint: 'e.g. medium: 2, high: 3' },
    });
  }
  const names = new Map<string, number>();
  input.rules.forEach((rule, index) => {
    const first = names.get(rule.name);
    if (first !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['rules', index, 'name'],
        message: `(${rule.name}) repeats the name of rules.${first}`,
        params: { hint: 'give each rule its own name' },
      });
    } else names.set(rule.name, index);
    checkSettings(rule, ['rules', index], input.engine.defaults);
  });
}
