/**
 * `headroom collect`: every target's limits and usage into the store, through the cache, with a
 * progress bar on stderr (none when stderr is not a terminal). Exit 0 when every target was read
 * whole; 1 when anything is missing, after saving what was read and naming each failure.
 */
import { type Command, InvalidArgumentError } from 'commander';
import { backfillUsage } from '../../app/backfill.js';
import { collect } from '../../app/quotas.js';
import { headroomCodeFor } from '../../aws/errors.js';
import { parseDuration } from '../../config/duration.js';
import { AwsError, IncompleteError } from '../../domain/errors.js';
import { problemText } from '../../domain/inventory.js';
import { targetKey } from '../../domain/target.js';
import { createProgress } from '../output/progress.js';
import { collectList, problemLine, withContext } from './shared.js';

interface CollectFlags {
  target: string[];
  service: string[];
  refresh: boolean;
  backfill?: number;
}

const DAY = 86_400_000;

function backfillOption(value: string): number {
  const ms = parseDuration(value);
  if (ms === null || ms < DAY || ms > 90 * DAY || ms % DAY !== 0) {
    throw new InvalidArgumentError('expected whole days from 1d to 90d, such as 14d.');
  }
  return ms / DAY;
}

export function registerCollect(program: Command): void {
  program
    .command('collect')
    .description("read every target's quotas and usage into the store (cached: limits 24 h, usage 1 h)")
    .option(
      '--target <ACCOUNT:REGION>',
      'only these targets (repeatable; ACCOUNT may be a name; or an alias)',
      collectList,
      [],
    )
    .option('--service <code>', 'only these service codes (repeatable, or comma-separated)', collectList, [])
    .option('--refresh', 'ignore the cache and read everything again', false)
    .option(
      '--backfill <days>',
      'then read this much usage history back from CloudWatch (hourly peaks), before the oldest stored: 1d to 90d',
      backfillOption,
    )
    .action(async (flags: CollectFlags, command: Command) => {
      await withContext(command, async (ctx) => {
        const progress = createProgress({ stream: process.stderr, label: 'collecting', total: 0 });
        const started = performance.now();
        // --refresh asks the account sources again too; each problem is a warning, the rest is read.
        const inventoryProblems = (await ctx.inventory({ refresh: flags.refresh })).problems;
        for (const problem of inventoryProblems) progress.log(problemText(problem));
        const result = await collect(ctx, {
          targets: flags.target,
          services: flags.service,
          refresh: flags.refresh,
          onStart: (targets) => {
            progress.setTotal(targets.length);
          },
          onTarget: (target) => {
            for (const error of target.errors) progress.log(problemLine(target, error));
            progress.tick(1, targetKey(target.target));
          },
        });
        const seconds = ((performance.now() - started) / 1000).toFixed(1);
        const calls = ctx.session.stats.snapshot();
        const sum = (pick: (c: (typeof calls)[number]) => number) => calls.reduce((n, c) => n + pick(c), 0);
        const targets = result.targets;
        const fetched = targets.filter((t) => t.limits === 'fetched').length;
        const cached = targets.filter((t) => t.limits === 'cached').length;
        const failed = targets.filter((t) => t.limits === 'failed').length;
        const partial = targets.filter((t) => t.limits !== 'failed' && !t.complete).length;
        progress.done(
          `collected ${targets.length} target${targets.length === 1 ? '' : 's'} (${fetched} read, ${cached} from cache, ${partial} partial, ${failed} failed): ` +
            `${targets.reduce((n, t) => n + t.quotaCount, 0).toLocaleString('en-US')} quotas, ` +
            `${targets.reduce((n, t) => n + t.sampleCount, 0).toLocaleString('en-US')} usage values; ` +
            `${sum((c) => c.calls).toLocaleString('en-US')} AWS calls (${sum((c) => c.throttled)} throttled, ` +
            `${sum((c) => c.attempts - c.calls)} retried) in ${seconds} s` +
            (ctx.mode === 'sandbox' ? ' [sandbox]' : ''),
        );
        let backfillErrors = 0;
        if (flags.backfill !== undefined) {
          const filled = await backfillUsage(ctx, {
            specs: flags.target,
            services: flags.service,
            days: flags.backfill,
          });
          for (const t of filled) {
            for (const error of t.errors) process.stderr.write(`${problemLine(t.target, error)}\n`);
            backfillErrors += t.errors.length;
          }
          const hours = filled.reduce((n, t) => n + t.hours, 0);
          const quotas = filled.reduce((n, t) => n + t.quotas, 0);
          const skipped = filled.reduce((n, t) => n + t.skipped, 0);
          const done = filled.filter((t) => t.note !== null).length;
          process.stderr.write(
            `backfilled ${flags.backfill} days: ${hours.toLocaleString('en-US')} hourly readings of ${quotas.toLocaleString('en-US')} quotas in ${filled.length} target${filled.length === 1 ? '' : 's'} from CloudWatch` +
              (done > 0 ? ` (${done} had nothing to fill)` : '') +
              (skipped > 0
                ? `; ${skipped} rate quotas left out (an hourly sum does not give their peak minute)`
                : '') +
              '\n',
          );
        }
        if (result.complete && inventoryProblems.length === 0 && backfillErrors === 0) return;
        if (result.complete && inventoryProblems.length === 0) {
          throw new IncompleteError(
            'HR_COLLECT_INCOMPLETE',
            `the backfill could not read everything (${backfillErrors} problems, listed above); what was read is stored`,
            {
              hint: 'fix the causes named above, then run `headroom collect --backfill` again: it fills only what is missing',
            },
          );
        }
        // Everything failed the same way (endpoint down, no credentials): that one cause is the error.
        const errors = targets.flatMap((t) => t.errors);
        const first = errors[0];
        if (
          inventoryProblems.length === 0 &&
          failed === targets.length &&
          first &&
          errors.every((e) => e.code === first.code)
        ) {
          throw new AwsError(
            headroomCodeFor(first.code),
            first.message,
            first.hint === undefined ? {} : { hint: first.hint },
          );
        }
        const missing =
          inventoryProblems.length === 0
            ? ''
            : `; the inventory had ${inventoryProblems.length} problem${inventoryProblems.length === 1 ? '' : 's'}, so accounts or regions may be missing`;
        throw new IncompleteError(
          'HR_COLLECT_INCOMPLETE',
          `${partial + failed} of ${targets.length} targets were not read whole (${errors.length} problems, listed above)${missing}; what was read is stored`,
          { hint: 'fix the causes named above, then run `headroom collect --refresh` for those targets' },
        );
      });
    });
}
