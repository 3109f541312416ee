/**
 * `headroom collect`: every target's limits and usage into the store, through the cache, with a
 * progress bar on stderr (none when stderr is not a terminal). Exit 0 when every target was read
 * whole; 1 when anything is missing, after saving what was read and naming each failure.
 */
import type { Command } from 'commander';
import { collect } from '../../app/quotas.js';
import { headroomCodeFor } from '../../aws/errors.js';
import { AwsError, IncompleteError } from '../../domain/errors.js';
import { problemText } from '../../domain/inventory.js';
import { targetKey } from '../../domain/target.js';
import { createProgress } from '../output/progress.js';
import { collectList, problemLine, withContext } from './shared.js';

interface CollectFlags {
  target: string[];
  service: string[];
  refresh: boolean;
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
        if (result.complete && inventoryProblems.length === 0) return;
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
