/**
 * `headroom serve` in the test's own process, on a free loopback port: the same function the CLI
 * runs (src/cli/commands/serve.ts), with the scheduler, the API and the real listener. Resolves
 * once it listens (and, with `once`, once its one sweep is done).
 */
import { Writable } from 'node:stream';
import type { Context } from '../../src/app/context.js';
import { serve } from '../../src/cli/commands/serve.js';

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
  options: { once?: boolean; env?: NodeJS.ProcessEnv; host?: string } = {},
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
  const running = serve(
    ctx,
    { port: 0, once: options.once ?? true, ...(options.host === undefined ? {} : { host: options.host }) },
    { until, stderr, env: options.env ?? {} },
  );
  const ready = options.once === false ? /serving the dashboard at (http:\/\/\S+?)\// : /one sweep done/;
  await new Promise<void>((resolve, reject) => {
    const check = () => {
      if (ready.test(text)) resolve();
    };
    seen = check;
    running.catch(reject);
    check();
  });
  const url = /serving the dashboard at (http:\/\/\S+?)\//.exec(text)?.[1];
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
