/**
 * `headroom event send FILE|-`: one EventBridge-shaped event (or a list of them) handled as
 * src/app/events.ts does; printing what was done for each.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { Context } from '../../app/context.js';
import { EventRejected, type EventResult, eventId, handleEvent, rejectEvent } from '../../app/events.js';
import { operator } from '../../app/requests.js';
import { InputError } from '../../domain/errors.js';
import { renderJson } from '../output/csv.js';
import { type Column, renderTable } from '../output/table.js';
import { withContext, write } from './shared.js';

async function readInput(
  ctx: Context,
  file: string,
  options: { actor: string; dryRun: boolean },
): Promise<unknown> {
  let text: string;
  try {
    text = file === '-' ? await readStdin() : await readFile(file, 'utf8');
  } catch (error) {
    throw new InputError(
      'HR_EVENT_INVALID',
      `cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`,
      {
        hint: 'give a JSON file holding an event, or - for standard input',
        cause: error,
      },
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    // Recorded as rejected, as any event headroom refuses is.
    return rejectEvent(
      ctx,
      eventId(undefined),
      text,
      new EventRejected(
        'body',
        `${file === '-' ? 'standard input' : file} is not JSON (${(error as Error).message})`,
        {
          hint: 'an event is a JSON object with source, detail-type and detail; see docs/events.md',
          cause: error,
        },
      ),
      options,
    );
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const COLUMNS: Column[] = [
  { key: 'target', header: 'TARGET' },
  { key: 'quota', header: 'QUOTA' },
  { key: 'outcome', header: 'OUTCOME' },
  { key: 'message', header: 'DETAIL', maxWidth: 100 },
];

function print(result: EventResult): void {
  write(`${result.id} ${result.type}${result.dryRun ? ' (dry run)' : ''}: ${result.summary}\n`);
  if (result.actions.length > 0)
    write(
      renderTable(
        COLUMNS,
        result.actions.map((a) => ({ ...a, quota: a.quota ?? '-' })),
      ),
    );
}

export function registerEvent(program: Command): void {
  const event = program
    .command('event')
    .description('events headroom acts on: thresholds, spikes, scaling, DR failover and failback');
  event
    .command('send')
    .description(
      'handle an EventBridge-shaped event (a JSON file, or - for standard input; a list handles each)',
    )
    .argument('<FILE>', 'the event as JSON, or - for standard input')
    .option('--dry-run', 'check it and say what would be done; record and file nothing', false)
    .option('--format <format>', 'output format: text or json', 'text')
    .action(async (file: string, flags: { dryRun: boolean; format: string }, command: Command) => {
      await withContext(command, async (ctx) => {
        const options = { actor: operator(), dryRun: flags.dryRun };
        const input = await readInput(ctx, file, options);
        const events = Array.isArray(input) ? input : [input];
        const results: EventResult[] = [];
        for (const one of events) results.push(await handleEvent(ctx, one, options));
        if (flags.format === 'json') write(renderJson(results));
        else results.forEach(print);
      });
    });
}
