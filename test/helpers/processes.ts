/**
 * Long-running child processes for the tests that run real servers beside headroom (Prometheus,
 * `headroom serve` itself): each keeps its output, and every one started is stopped by
 * `stopProcesses()` (SIGTERM, then SIGKILL after 10 s).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { REPO_ROOT } from './aws-cli.js';

export interface StartedProcess {
  readonly child: ChildProcess;
  /** stdout and stderr so far, interleaved. */
  readonly output: { text: string };
}

const started: ChildProcess[] = [];

/** Starts a child process in the repository, keeping its output. */
export function startProcess(file: string, args: readonly string[], env: NodeJS.ProcessEnv): StartedProcess {
  const child = spawn(file, [...args], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(child);
  const output = { text: '' };
  child.stdout.on('data', (chunk: Buffer) => (output.text += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output.text += chunk.toString()));
  return { child, output };
}

/** Stops every process `startProcess` started that is still running, and waits for each. */
export async function stopProcesses(): Promise<void> {
  for (const child of started.splice(0)) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const late = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(late);
  }
}

/**
 * Polls `check` every 200 ms until it gives a value, at most `timeoutMs`; the error names what
 * did not happen, with the end of `log()`.
 */
export async function until<T>(
  what: string,
  timeoutMs: number,
  check: () => Promise<T | undefined>,
  log: () => string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`${what} did not happen within ${timeoutMs} ms:\n${log().slice(-3000)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
