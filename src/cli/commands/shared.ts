/**
 * What the data commands share: the global flags, opening a context (with the embedded sandbox
 * as the zero-config fallback), and output formats.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { type Context, type EmbeddedAws, openContext } from '../../app/context.js';
import { SandboxOptionError, type SandboxState, startSandbox } from '../../sandbox/index.js';
import type { TargetResult } from '../../collect/sweep.js';
import type { CollectError } from '../../domain/quota.js';
import { targetKey } from '../../domain/target.js';
import { parseDuration } from '../../config/duration.js';

export type Format = 'table' | 'json' | 'csv';
export const FORMATS: readonly Format[] = ['table', 'json', 'csv'];

export function formatOption(): Option {
  return new Option('--format <format>', 'output format').choices(FORMATS).default('table');
}

/** `--config` on the program, read by every command. */
export function configPathOf(command: Command): string | undefined {
  const value: unknown = command.optsWithGlobals().config;
  return typeof value === 'string' ? value : undefined;
}

export function collectList(value: string, previous: string[] = []): string[] {
  const items = value
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
  if (items.length === 0) throw new InvalidArgumentError('expected a value.');
  return [...previous, ...items];
}

/** Where the embedded sandbox keeps what changed in it (requests, approvals, cases, its clock). */
const EMBEDDED_STATE_FILE = 'sandbox-state.json';

async function readState(file: string): Promise<SandboxState | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as SandboxState;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    process.stderr.write(
      `headroom: ignoring the embedded sandbox's state ${file}: ${(error as Error).message}\n`,
    );
    return undefined;
  }
}

/**
 * The sandbox as the embedded default: AWS's rates and deterministic data. What changes in it
 * (increase requests, approvals, Support cases, its clock) is kept in `<home>/sandbox-state.json`
 * between runs, so a request filed by one command is there for the next, and moves on in time.
 * A state that no longer fits (another headroom's sandbox) is set aside, not half-used.
 */
async function startEmbedded(home: string): Promise<EmbeddedAws> {
  const file = join(home, EMBEDDED_STATE_FILE);
  const state = await readState(file);
  let sandbox;
  try {
    sandbox = await startSandbox({ port: 0, ...(state ? { state } : {}) });
  } catch (error) {
    if (!(error instanceof SandboxOptionError) || !error.option.startsWith('state')) throw error;
    const aside = `${file}.${Date.now()}.unused`;
    await rename(file, aside).catch(() => undefined);
    process.stderr.write(
      `headroom: the embedded sandbox's state ${file} does not fit this sandbox (${error.option} ${error.message}); moved it to ${aside} and started afresh\n`,
    );
    sandbox = await startSandbox({ port: 0 });
  }
  const running = sandbox;
  const info = running.admin.info();
  return {
    url: running.url,
    regions: info.regions,
    accounts: running.admin.accounts(),
    close: async () => {
      await mkdir(home, { recursive: true });
      await writeFileWhole(file, JSON.stringify(running.admin.exportState()));
      await running.close();
    },
  };
}

/** Writes a file whole or not at all: a temporary file beside it, then a rename. */
export async function writeFileWhole(path: string, text: string): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, text, { flag: 'wx' });
  await rename(temporary, path);
}

/** Opens a context for a command, runs it, and always closes it (logs flushed, store closed). */
export async function withContext<T>(command: Command, run: (ctx: Context) => Promise<T>): Promise<T> {
  const ctx = await openContext({ configPath: configPathOf(command), startEmbedded });
  try {
    return await run(ctx);
  } finally {
    await ctx.close();
  }
}

export function write(text: string): void {
  process.stdout.write(text);
}

export function formatNumber(value: unknown): string {
  if (typeof value !== 'number') return String(value);
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  return value.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

export function formatPercent(value: unknown): string {
  return typeof value === 'number' ? `${(value * 100).toFixed(1)}%` : String(value);
}

export function formatAge(from: Date | null | undefined, now = new Date()): string {
  if (!from) return '-';
  const seconds = Math.max(0, Math.round((now.getTime() - from.getTime()) / 1000));
  if (seconds < 90) return `${seconds}s ago`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)}m ago`;
  if (seconds < 36 * 3600) return `${Math.round(seconds / 3600)}h ago`;
  return `${Math.round(seconds / 86_400)}d ago`;
}

/** A recorded failure as one line: where, what, and the fix. */
export function problemLine(result: Pick<TargetResult, 'target'>, error: CollectError): string {
  const where = targetKey(result.target) + (error.serviceCode ? ` ${error.serviceCode}` : '');
  return `warning ${where}: ${error.message}${error.hint ? `; ${error.hint}` : ''}`;
}

/** `--since`: a duration back from now (24h, 7d) or an ISO date. */
export function sinceOption(value: string): Date {
  const ms = parseDuration(value);
  if (ms !== null) return new Date(Date.now() - ms);
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) {
    throw new InvalidArgumentError(
      'expected a duration back from now (24h, 7d) or a date (2026-12-01T00:00:00Z).',
    );
  }
  return date;
}

/** A commander parser for a duration from `min` to `max` ms; else "expected <words>." */
export function durationOption(min: number, max: number, words: string): (value: string) => number {
  return (value) => {
    const ms = parseDuration(value);
    if (ms === null || ms < min || ms > max) throw new InvalidArgumentError(`expected ${words}.`);
    return ms;
  };
}
