/**
 * Child processes for the integration tests: `headroom sandbox` run from its TypeScript source,
 * and the two AWS CLIs that check the sandbox as independent clients. Every process runs with a
 * time limit, and every sandbox started here is stopped by `stopAllSandboxes()` (or, failing
 * that, killed when the test worker exits).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll } from 'vitest';

const execFileAsync = promisify(execFile);

/** The repository root, where `src/cli/index.ts` lives. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface ProcessResult {
  /** The exit code, or null when a signal ended the process. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  cwd?: string;
}

interface ExecFailure extends Error {
  code?: number | string | null;
  signal?: NodeJS.Signals | null;
  killed?: boolean;
  stdout?: string;
  stderr?: string;
}

/** A failure to start the program at all (ENOENT, EACCES), as opposed to a non-zero exit. */
export class ProgramNotFoundError extends Error {
  override readonly name = 'ProgramNotFoundError';
}

function tail(text: string, chars = 2000): string {
  return text.length <= chars ? text : `…${text.slice(-chars)}`;
}

/**
 * Runs a program to its end and returns its exit code and output, whatever the code. A program
 * that cannot be started or that outlives the time limit is an error.
 */
export async function runProgram(
  file: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<ProcessResult> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  try {
    const { stdout, stderr } = await execFileAsync(file, [...args], {
      env: options.env ?? process.env,
      cwd: options.cwd ?? REPO_ROOT,
      timeout: timeoutMs,
      killSignal: 'SIGKILL',
      maxBuffer: 64 * 1024 * 1024,
      encoding: 'utf8',
    });
    return { code: 0, signal: null, stdout, stderr };
  } catch (error) {
    const failure = error as ExecFailure;
    if (failure.code === 'ENOENT' || failure.code === 'EACCES') {
      throw new ProgramNotFoundError(`cannot run ${file}: ${failure.message}`, { cause: error });
    }
    if (failure.killed === true) {
      throw new Error(
        `${file} ${args.join(' ')} did not finish within ${timeoutMs} ms and was killed.\n` +
          `stdout: ${tail(failure.stdout ?? '')}\nstderr: ${tail(failure.stderr ?? '')}`,
        { cause: error },
      );
    }
    return {
      code: typeof failure.code === 'number' ? failure.code : null,
      signal: failure.signal ?? null,
      stdout: failure.stdout ?? '',
      stderr: failure.stderr ?? '',
    };
  }
}

/** The environment of a child process without any AWS_* variable of the test process. */
export function envWithoutAws(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('AWS_')) env[key] = value;
  }
  return { ...env, ...extra };
}

/**
 * The environment of a child headroom: none of the test process's AWS_* or HEADROOM_* variables
 * (so no setting of the machine leaks in), then `extra`.
 */
export function headroomEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const base = Object.fromEntries(
    Object.entries(envWithoutAws()).filter(([key]) => !key.startsWith('HEADROOM_')),
  );
  return { ...base, ...extra };
}

/** An account's keys as the AWS variables the SDK's default chain reads. */
export function keysOf(account: { accessKeyId: string; secretAccessKey: string }): Record<string, string> {
  return { AWS_ACCESS_KEY_ID: account.accessKeyId, AWS_SECRET_ACCESS_KEY: account.secretAccessKey };
}

// --- headroom itself -------------------------------------------------------------------------

/** `node --import tsx src/cli/index.ts <args>`: the CLI from source, no build needed. */
export function headroomCommand(args: readonly string[]): { file: string; args: string[] } {
  return { file: process.execPath, args: ['--import', 'tsx', 'src/cli/index.ts', ...args] };
}

/**
 * `headroom <args>` as {@link headroomCommand}, but with absolute paths (tsx's loader and the CLI's
 * source), so it can run in any directory, such as a test's temp dir. Give the child
 * `TSX_TSCONFIG_PATH: TSCONFIG_PATH` so tsx compiles with the repository's tsconfig from there.
 */
export function headroomCommandAnywhere(args: readonly string[]): { file: string; args: string[] } {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return { file: process.execPath, args: ['--import', tsx, join(REPO_ROOT, 'src/cli/index.ts'), ...args] };
}

export const TSCONFIG_PATH = join(REPO_ROOT, 'tsconfig.json');

/** Runs `headroom <args>` to its end. */
export function runHeadroom(
  args: readonly string[],
  timeoutMs = 30_000,
  env: Record<string, string> = {},
): Promise<ProcessResult> {
  const command = headroomCommand(args);
  return runProgram(command.file, command.args, { env: envWithoutAws(env), timeoutMs });
}

export interface SandboxExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface SandboxProcess {
  /** The URL of the banner's first line. */
  readonly url: string;
  readonly port: number;
  readonly child: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  stdout(): string;
  stderr(): string;
  /** Settles when the process has exited. */
  readonly exited: Promise<SandboxExit>;
  /** Sends the signal (SIGTERM by default) and waits for the exit; SIGKILL if it outlives `graceMs`. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<SandboxExit>;
}

export const BANNER_FIRST_LINE = /^headroom sandbox listening on (http:\/\/127\.0\.0\.1:(\d+))$/;
const BANNER_LAST_LINE = /^Admin API: .*\(Ctrl-C to stop\)$/m;

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Starts `headroom sandbox <args>` and resolves once its whole banner is out. Fails, having killed
 * the process, if it exits first or the banner is not out within `timeoutMs`.
 */
export function startHeadroomSandbox(args: readonly string[], timeoutMs = 30_000): Promise<SandboxProcess> {
  const command = headroomCommand(['sandbox', ...args]);
  const child = spawn(command.file, command.args, {
    cwd: REPO_ROOT,
    env: envWithoutAws(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => (out += chunk));
  child.stderr.on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<SandboxExit>((resolve) => {
    // 'close' comes after the exit and the end of stdout and stderr, so the output is complete.
    child.once('close', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    });
  });
  // The spawn itself failing (no such file) ends in 'error' without 'exit'.
  child.once('error', () => running.delete(child));

  const stop = async (signal: NodeJS.Signals = 'SIGTERM', graceMs = 15_000): Promise<SandboxExit> => {
    if (child.exitCode !== null || child.signalCode !== null) return exited;
    child.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => {
        resolve('late');
      }, graceMs);
    });
    const first = await Promise.race([exited, late]);
    clearTimeout(timer);
    if (first !== 'late') return first;
    child.kill('SIGKILL');
    return exited;
  };

  return new Promise<SandboxProcess>((resolve, reject) => {
    const fail = (why: string): void => {
      cleanup();
      void stop('SIGKILL').then(() => {
        reject(
          new Error(`headroom sandbox ${args.join(' ')} ${why}.\nstdout: ${tail(out)}\nstderr: ${tail(err)}`),
        );
      });
    };
    const check = (): void => {
      if (!BANNER_LAST_LINE.test(out)) return;
      const match = BANNER_FIRST_LINE.exec(out.split('\n', 1)[0] ?? '');
      if (!match?.[1] || !match[2]) {
        fail(
          'printed a banner whose first line is not "headroom sandbox listening on http://127.0.0.1:<port>"',
        );
        return;
      }
      cleanup();
      resolve({
        url: match[1],
        port: Number(match[2]),
        child,
        stdout: () => out,
        stderr: () => err,
        exited,
        stop,
      });
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
      fail(`exited (code ${String(code)}, signal ${String(signal)}) before printing its banner`);
    };
    const onError = (error: Error): void => {
      fail(`could not be started: ${error.message}`);
    };
    const timer = setTimeout(() => {
      fail(`printed no complete banner within ${timeoutMs} ms`);
    }, timeoutMs);
    const cleanup = (): void => {
      clearTimeout(timer);
      child.stdout.off('data', check);
      child.off('close', onExit);
      child.off('error', onError);
    };
    child.stdout.on('data', check);
    child.once('close', onExit);
    child.once('error', onError);
  });
}

/** Stops every sandbox process started by this worker that is still running. */
export async function stopAllSandboxes(): Promise<void> {
  await Promise.all(
    [...running].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) {
            resolve();
            return;
          }
          const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
          child.once('close', () => {
            clearTimeout(timer);
            resolve();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
}

export async function getJson<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, init);
  const text = await response.text();
  if (!response.ok) throw new Error(`${init?.method ?? 'GET'} ${url} answered ${response.status}: ${text}`);
  return JSON.parse(text) as T;
}

export interface SandboxAccount {
  readonly id: string;
  readonly name: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly management: boolean;
}

export interface SandboxInfo {
  readonly url: string;
  readonly seed: number;
  readonly regions: string[];
  readonly accounts: SandboxAccount[];
  readonly clock: { readonly now: string; readonly offsetSeconds: number };
  readonly catalog: { readonly services: number; readonly quotas: number; readonly withUsageMetric: number };
}

export function sandboxInfo(url: string): Promise<SandboxInfo> {
  return getJson<SandboxInfo>(`${url}/_sandbox/info`);
}

// --- the AWS CLIs ----------------------------------------------------------------------------

export interface AwsCli {
  readonly label: string;
  /** The program: a path, or a name looked up on PATH. */
  readonly command: string;
  readonly major: 1 | 2;
  /** The exit code of a command the service answered with an error. */
  readonly serviceErrorExitCode: number;
  /** The Content-Type its botocore sends CloudWatch GetMetricData with. */
  readonly cloudWatchContentType: string;
  /** How to get it, for the failure message when it is missing. */
  readonly install: string;
}

export const AWS_CLI_V2: AwsCli = {
  label: 'AWS CLI v2 (Debian, /usr/bin/aws)',
  command: '/usr/bin/aws',
  major: 2,
  serviceErrorExitCode: 254,
  // Debian's CLI carries older botocore models: CloudWatch over the form-encoded query protocol.
  cloudWatchContentType: 'application/x-www-form-urlencoded',
  install: '.ci/run installs it (apt-get install -y awscli)',
};

export const AWS_CLI_V1: AwsCli = {
  label: 'AWS CLI v1 (aws on PATH)',
  command: 'aws',
  major: 1,
  serviceErrorExitCode: 255,
  // Recent botocore: CloudWatch over JSON 1.0 with awsQueryCompatible.
  cloudWatchContentType: 'application/x-amz-json-1.0',
  install: '.ci/run does not install it; install it with `pip install awscli` so that `aws` on PATH is v1',
};

/** Both CLIs, v2 first: a suite that checks the sandbox with each runs `describe.each(AWS_CLIS)`. */
export const AWS_CLIS: readonly AwsCli[] = [AWS_CLI_V2, AWS_CLI_V1];

/** Fails with a clear message unless the CLI is there and is the expected major version. */
export async function checkAwsCli(cli: AwsCli): Promise<string> {
  let result: ProcessResult;
  try {
    result = await runProgram(cli.command, ['--version'], { env: envWithoutAws(), timeoutMs: 60_000 });
  } catch (error) {
    if (error instanceof ProgramNotFoundError) {
      throw new Error(`${cli.label} is missing (${error.message}); ${cli.install}.`, { cause: error });
    }
    throw error;
  }
  const version = `${result.stdout}${result.stderr}`.trim();
  if (result.code !== 0 || !version.startsWith(`aws-cli/${cli.major}.`)) {
    throw new Error(
      `${cli.label}: \`${cli.command} --version\` gave exit ${String(result.code)} and "${version}", ` +
        `not aws-cli/${cli.major}.x; ${cli.install}.`,
    );
  }
  return version;
}

/**
 * For the tests of a `describe` that reads through the CLI: checks it (as `checkAwsCli`) before
 * them, with time for a first start that loads its models.
 */
export function checkAwsCliFirst(cli: AwsCli): void {
  beforeAll(async () => {
    await checkAwsCli(cli);
  }, 60_000);
}

export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface AwsCallOptions {
  readonly endpoint: string;
  readonly credentials: AwsCredentials;
  readonly region?: string;
  readonly timeoutMs?: number;
}

/**
 * The CLI's environment: the given keys and region and nothing from the test process's AWS_*
 * variables or profile files. The sandbox throttles at AWS's rates, and a CLI following pages of
 * 2 goes faster than that, so the CLIs retry throttled calls more than their defaults would.
 */
export function awsCliEnv(options: AwsCallOptions): NodeJS.ProcessEnv {
  return envWithoutAws({
    AWS_ACCESS_KEY_ID: options.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: options.credentials.secretAccessKey,
    ...(options.credentials.sessionToken === undefined
      ? {}
      : { AWS_SESSION_TOKEN: options.credentials.sessionToken }),
    AWS_DEFAULT_REGION: options.region ?? 'us-east-1',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_PAGER: '',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_RETRY_MODE: 'standard',
    AWS_MAX_ATTEMPTS: '15',
  });
}

/** Runs `aws --endpoint-url <sandbox> --output json <args>` and returns its result, whatever the exit code. */
export function runAwsCli(
  cli: AwsCli,
  args: readonly string[],
  options: AwsCallOptions,
): Promise<ProcessResult> {
  return runProgram(cli.command, ['--endpoint-url', options.endpoint, '--output', 'json', ...args], {
    env: awsCliEnv(options),
    timeoutMs: options.timeoutMs ?? 90_000,
  });
}

/** Runs an AWS CLI command that must succeed and parses its JSON output. */
export async function awsCliJson<T>(
  cli: AwsCli,
  args: readonly string[],
  options: AwsCallOptions,
): Promise<T> {
  const result = await runAwsCli(cli, args, options);
  if (result.code !== 0) {
    throw new Error(
      `${cli.command} ${args.join(' ')} exited with ${String(result.code)} (signal ${String(result.signal)}).\n` +
        `stderr: ${tail(result.stderr)}`,
    );
  }
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    throw new Error(`${cli.command} ${args.join(' ')} printed no JSON: ${tail(result.stdout)}`);
  }
}

/**
 * `headroom` (from source) as a user in the workspace `dir` runs it: the account's keys, the
 * (empty) `dir/aws-config` as both AWS files, `dir/home` as HEADROOM_HOME, and what `env` adds.
 */
export function headroomIn(
  dir: string,
  account: { readonly accessKeyId: string; readonly secretAccessKey: string },
  args: readonly string[],
  options: { env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<ProcessResult> {
  const command = headroomCommandAnywhere(args);
  return runProgram(command.file, command.args, {
    cwd: dir,
    timeoutMs: options.timeoutMs ?? 60_000,
    env: envWithoutAws({
      AWS_ACCESS_KEY_ID: account.accessKeyId,
      AWS_SECRET_ACCESS_KEY: account.secretAccessKey,
      AWS_CONFIG_FILE: join(dir, 'aws-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'aws-config'),
      HEADROOM_HOME: join(dir, 'home'),
      ...options.env,
    }),
  });
}
