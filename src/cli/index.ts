/**
 * The `headroom` command. The one place that ends the process: every command throws a
 * HeadroomError for a failure the user can fix, and this maps it to a message and exit code.
 */
import { Command, CommanderError } from 'commander';
import { HeadroomError } from '../domain/errors.js';
import { registerAccounts } from './commands/accounts.js';
import { registerApprovalsAndAudit } from './commands/approvals.js';
import { registerCheck } from './commands/check.js';
import { registerCollect } from './commands/collect.js';
import { registerCompare } from './commands/compare.js';
import { registerPolicy } from './commands/engine.js';
import { registerEvent } from './commands/event.js';
import { registerForecast } from './commands/forecast.js';
import { registerIamPolicy } from './commands/iam-policy.js';
import { registerNotify } from './commands/notify.js';
import { registerQuotas } from './commands/quotas.js';
import { registerRequests } from './commands/requests.js';
import { registerSandbox } from './commands/sandbox.js';
import { registerServe } from './commands/serve.js';
import { registerCache, registerTargets } from './commands/targets.js';

export function buildProgram(): Command {
  const program = new Command()
    .name('headroom')
    .description('keep AWS service quotas ahead of demand across every account and region')
    .option(
      '--config <file>',
      'headroom.yaml to use (default: ./headroom.yaml, then $HEADROOM_HOME/headroom.yaml)',
    )
    .exitOverride();
  registerAccounts(program);
  registerTargets(program);
  registerCollect(program);
  registerQuotas(program);
  registerCompare(program);
  registerRequests(program);
  registerForecast(program);
  registerPolicy(program);
  registerEvent(program);
  registerCheck(program);
  registerApprovalsAndAudit(program);
  registerNotify(program);
  registerCache(program);
  registerIamPolicy(program);
  registerSandbox(program);
  registerServe(program);
  return program;
}

/** Runs the CLI and returns its exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  // The AWS SDK warns on every run that its 2027 releases will need Node 22; headroom pins its SDK
  // versions and the README says so, so for a user of the CLI the warning is noise.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has already printed its one-line message (unknown option, bad value, help).
      return error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof HeadroomError) {
      // One line: what is wrong, then the fix.
      process.stderr.write(
        `error ${error.code}: ${error.message}${error.hint === undefined ? '' : `; ${error.hint}`}\n`,
      );
      return error.exitCode;
    }
    process.stderr.write(
      `error HR_INTERNAL: this is a bug in headroom; please report it with the output below.\n${
        error instanceof Error ? (error.stack ?? error.message) : String(error)
      }\n`,
    );
    return 3;
  }
}

const invokedDirectly =
  process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (invokedDirectly) {
  process.exitCode = await main(process.argv.slice(2));
}
