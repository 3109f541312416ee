/**
 * `headroom serve` for the tests, on a free loopback port, once its one sweep is done
 * (`--once`): in the test's own process (`startServe`, the same function the CLI runs, with the
 * scheduler, the API and the real listener), or as a child process, as an operator runs it
 * (`startServeProcess`).
 */
import { Writable } from 'node:stream';
import type { Context } from '../../src/app/context.js';
import { serve } from '../../src/cli/commands/serve.js';
import { headroomCommand, headroomEnv, keysOf } from './aws-cli.js';
import { startProcess, type StartedProcess, until } from './processes.js';

/** serve's banner, with the URL it listens on. */
const SERVING = /serving the dashboard at (http:\/\/\S+?)\//;

export interface RunningServe {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  /** Everything serve wrote to stderr. */
  stderr(): string;
  /** Stops it (a sweep under way finishes first) and waits until it has. */
  stop(): Promise<void>;
}

export async function startServe(
  ctx: Context,
  options: { env?: NodeJS.ProcessEnv } = {},
): Promise<RunningServe> {
  let text = '';
  let seen: (() => void) | undefined;
  const stderr = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      seen?.();
      done();
    },
  });
  let release: (() => void) | undefined;
  const until = new Promise<void>((resolve) => {
    release = resolve;
  });
  const running = serve(ctx, { port: 0, once: true }, { until, stderr, env: options.env ?? {} });
  await new Promise<void>((resolve, reject) => {
    const check = () => {
      if (text.includes('one sweep done')) resolve();
    };
    seen = check;
    running.catch(reject);
    check();
  });
  const url = SERVING.exec(text)?.[1];
  if (url === undefined) throw new Error(`serve did not say where it listens:\n${text}`);
  return {
    url,
    stderr: () => text,
    stop: async () => {
      release?.();
      await running;
    },
  };
}

/**
 * `headroom --config FILE serve --port 0 --once` as a child process with the account's keys (and
 * nothing of the test's environment); resolves with its URL once its sweep is done.
 */
export async function startServeProcess(
  configFile: string,
  account: { accessKeyId: string; secretAccessKey: string },
  timeoutMs: number,
): Promise<{ url: string; process: StartedProcess }> {
  const command = headroomCommand(['--config', configFile, 'serve', '--port', '0', '--once']);
  const started = startProcess(command.file, command.args, headroomEnv(keysOf(account)));
  const url = await until(
    'headroom serve listening and its sweep done',
    timeoutMs,
    () => {
      const { text } = started.output;
      return Promise.resolve(text.includes('one sweep done') ? SERVING.exec(text)?.[1] : undefined);
    },
    () => started.output.text,
  );
  return { url, process: started };
}
