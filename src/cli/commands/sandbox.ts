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

interface SandboxFlags {
  port: number;
  accounts: number;
  regions: string[];
  seed: number;
  pageSize?: number;
  throttle: 'aws' | 'off';
  faultRate: number;
  latencyMs: number;
}

/** The flag of a sandbox option: its kebab-case form (`pageSize` → `--page-size`). */
function flagOf(option: string): string {
  return `--${(option.split('.')[0] ?? option).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
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
    ...(flags.pageSize === undefined ? {} : { pageSize: flags.pageSize }),
  };
  try {
    return await startSandbox(options);
  } catch (error) {
    if (error instanceof SandboxOptionError) {
      throw new UsageError(`option ${flagOf(error.option)} ${error.message}`);
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

function banner(sandbox: Sandbox): string {
  const info = sandbox.admin.info();
  const [first] = info.accounts;
  const lines = [
    `headroom sandbox listening on ${info.url}`,
    `  seed ${info.seed}, organisation ${info.organizationId}, regions ${info.regions.join(', ')}`,
    `  ${info.catalog.quotas} quotas in ${info.catalog.services} services, ${info.catalog.withUsageMetric} with a usage metric`,
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
