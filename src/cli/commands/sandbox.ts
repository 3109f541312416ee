/**
 * `headroom sandbox`: runs the built-in AWS endpoint until interrupted, and prints how to reach it.
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { EnvironmentError, UsageError } from '../../domain/errors.js';
import {
  DEFAULT_REGIONS,
  type Sandbox,
  type SandboxOptions,
  SandboxOptionError,
  startSandbox,
} from '../../sandbox/index.js';

function wholeNumber(value: string): number {
  if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError('expected a whole number.');
  return Number.parseInt(value, 10);
}

function decimal(value: string): number {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed)) throw new InvalidArgumentError('expected a number.');
  return parsed;
}

function regionList(value: string): string[] {
  const regions = value
    .split(',')
    .map((r) => r.trim())
    .filter((r) => r !== '');
  if (regions.length === 0) throw new InvalidArgumentError('expected a comma-separated list of regions.');
  return regions;
}

/**
 * One rule of `--deny` or `--outage`: `key=value` pairs separated by commas, e.g.
 * `operation=ListServiceQuotas,serviceCode=ec2`. The sandbox checks the keys and values.
 */
function ruleOf(value: string): Record<string, string> {
  const pairs = value
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  if (pairs.length === 0) throw new InvalidArgumentError('expected key=value pairs separated by commas.');
  const entries: [string, string][] = [];
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    const key = pair.slice(0, Math.max(at, 0)).trim();
    if (at < 0 || key === '') {
      throw new InvalidArgumentError(`expected key=value pairs separated by commas, got '${pair}'.`);
    }
    if (entries.some(([k]) => k === key)) throw new InvalidArgumentError(`'${key}' is given twice.`);
    entries.push([key, pair.slice(at + 1).trim()]);
  }
  // fromEntries defines own properties, so even a key such as __proto__ reaches the sandbox's check.
  return Object.fromEntries(entries);
}

function collectRule(value: string, previous: Record<string, string>[]): Record<string, string>[] {
  return [...previous, ruleOf(value)];
}

interface SandboxFlags {
  port: number;
  accounts: number;
  regions: string[];
  seed: number;
  pageSize?: number;
  throttle: 'aws' | 'off';
  faultRate: number;
  latencyMs: number;
  deny?: Record<string, string>[];
  outage?: Record<string, string>[];
}

/** The flags of the options that are lists of rules, and are given once per rule. */
const RULE_FLAGS: Record<string, string> = { denials: '--deny', outages: '--outage' };

/** The flag of a sandbox option: its kebab-case form (`pageSize` → `--page-size`), or a rule flag. */
function flagOf(option: string): string {
  const name = option.split(/[.[]/)[0] ?? option;
  return RULE_FLAGS[name] ?? `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/**
 * How a bad option reads on the command line: `option --deny rule 2: operation must be …` for a
 * rule (`denials[1].operation`), `option --page-size must be …` for the rest.
 */
function usageOf(error: SandboxOptionError): string {
  const rule = /^\w+\[(\d+)\](?:\.(.+))?$/.exec(error.option);
  if (!rule) return `option ${flagOf(error.option)} ${error.message}`;
  const [, index = '0', field] = rule;
  return `option ${flagOf(error.option)} rule ${Number(index) + 1}: ${field === undefined ? '' : `${field} `}${error.message}`;
}

/** Starts the sandbox from parsed flags; a bad value is a UsageError naming the flag. */
export async function runSandbox(flags: SandboxFlags): Promise<Sandbox> {
  const options: SandboxOptions = {
    port: flags.port,
    accounts: flags.accounts,
    regions: flags.regions,
    seed: flags.seed,
    throttle: flags.throttle,
    faultRate: flags.faultRate,
    latencyMs: flags.latencyMs,
    denials: flags.deny ?? [],
    outages: flags.outage ?? [],
    ...(flags.pageSize === undefined ? {} : { pageSize: flags.pageSize }),
  };
  try {
    return await startSandbox(options);
  } catch (error) {
    if (error instanceof SandboxOptionError) {
      throw new UsageError(usageOf(error));
    }
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new EnvironmentError(
        'HR_SANDBOX_PORT_IN_USE',
        `port ${flags.port} on 127.0.0.1 is already in use`,
        {
          hint: 'stop what holds it, or pick another port with --port (0 picks a free one)',
          cause: error,
        },
      );
    }
    throw error;
  }
}

/** A rule as its flag spells it: `operation=ListServiceQuotas,serviceCode=ec2`; `every call` for none. */
function ruleText(rule: object): string {
  const pairs = (Object.entries(rule) as [string, unknown][]).filter(
    (pair): pair is [string, string] => typeof pair[1] === 'string',
  );
  return pairs.length === 0 ? 'every call' : pairs.map(([key, value]) => `${key}=${value}`).join(',');
}

function banner(sandbox: Sandbox): string {
  const info = sandbox.admin.info();
  const [first] = info.accounts;
  const lines = [
    `headroom sandbox listening on ${info.url}`,
    `  seed ${info.seed}, organisation ${info.organizationId}, regions ${info.regions.join(', ')}`,
    `  ${info.catalog.quotas} quotas in ${info.catalog.services} services, ${info.catalog.withUsageMetric} with a usage metric`,
    ...info.config.denials.map((rule) => `  access denied: ${ruleText(rule)}`),
    ...info.config.outages.map((rule) => `  outage (503): ${ruleText(rule)}`),
    '',
    '  account        name              access key id          secret access key',
    ...info.accounts
      .slice(0, 12)
      .map((a) => `  ${a.id}   ${a.name.padEnd(16)}  ${a.accessKeyId}   ${a.secretAccessKey}`),
    ...(info.accounts.length > 12
      ? [`  … and ${info.accounts.length - 12} more: ${info.url}/_sandbox/info`]
      : []),
    '',
    'Try:',
    `  AWS_ACCESS_KEY_ID=${first?.accessKeyId ?? ''} AWS_SECRET_ACCESS_KEY=${first?.secretAccessKey ?? ''} \\`,
    `    aws --endpoint-url ${info.url} --region ${info.regions[0] ?? 'us-east-1'} service-quotas list-service-quotas --service-code ec2`,
    `Admin API: ${info.url}/_sandbox/info   (Ctrl-C to stop)`,
  ];
  return lines.join('\n');
}

export function registerSandbox(program: Command): void {
  program
    .command('sandbox')
    .description(
      'run the built-in AWS endpoint (Service Quotas, CloudWatch, STS, Organizations, Support, SNS) on 127.0.0.1',
    )
    .option('--port <number>', 'TCP port on 127.0.0.1 (0 picks a free one)', wholeNumber, 4566)
    .option(
      '--accounts <number>',
      'accounts in the organisation, the first being its management account',
      wholeNumber,
      3,
    )
    .option('--regions <list>', 'comma-separated regions the accounts use', regionList, [...DEFAULT_REGIONS])
    .option('--seed <number>', 'seed of every generated fact', wholeNumber, 1)
    .option(
      '--page-size <number>',
      'largest page a list operation returns, whatever MaxResults asks',
      wholeNumber,
    )
    .addOption(
      new Option('--throttle <mode>', 'throttle at AWS rates, or never')
        .choices(['aws', 'off'])
        .default('aws'),
    )
    .option('--fault-rate <share>', 'share of requests answered with a 5xx fault, 0 to 1', decimal, 0)
    .option('--latency-ms <ms>', 'latency added to every request', decimal, 0)
    .option(
      '--deny <rule>',
      'answer matching calls with the service’s access-denied error, e.g. operation=ListServiceQuotas,serviceCode=ec2,account=123456789012 (keys account, region, operation, serviceCode, resource; repeatable)',
      collectRule,
      [],
    )
    .option(
      '--outage <rule>',
      'answer every call from a matching target with 503, e.g. account=123456789012,region=eu-west-1 (repeatable)',
      collectRule,
      [],
    )
    .action(async (flags: SandboxFlags) => {
      const sandbox = await runSandbox(flags);
      process.stdout.write(`${banner(sandbox)}\n`);
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          void sandbox.close().finally(resolve);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });
}
