/**
 * createLogger against a real temp directory and a captured stderr: no secret reaches either
 * stream, each stream keeps its own level, and close() leaves everything on disk.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EnvironmentError } from '../domain/errors.js';
import { createLogger, silentLogger, type LoggerOptions } from './logger.js';

let root: string;
let logDir: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'headroom-logging-'));
  logDir = join(root, 'logs');
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A stderr stand-in that keeps what is written. */
function capture(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      chunks.push(chunk.toString());
      callback();
    },
  });
  return { stream, text: () => chunks.join('') };
}

function localDate(date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

async function open(options: Partial<LoggerOptions> = {}) {
  const stderr = capture();
  const logging = await createLogger({
    level: 'debug',
    fileLevel: 'debug',
    logDir,
    retentionDays: 14,
    stderr: stderr.stream,
    ...options,
  });
  const fileText = async () => {
    const names = await readdir(logDir);
    return (await Promise.all(names.map((name) => readFile(join(logDir, name), 'utf8')))).join('');
  };
  return { ...logging, stderr: stderr.text, fileText };
}

describe('secrets', () => {
  const accessKeyId = 'AKIAIOSFODNN7EXAMPLE';
  const temporaryKeyId = 'ASIAY34FZKBOKMUTVV7A';
  const secretAccessKey = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
  const sessionToken =
    'IQoJb3JpZ2luX2VjEJrHeadroomTestTokenAAAAAwEaCXVzLWVhc3QtMSJHMEUCIQDexampleexampleexampleexampleAiAd';
  const headerSignature = 'fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024';
  const urlSignature = 'aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404';
  const password = 'hunter2-correct-horse-battery';
  const apiToken = 'tok_live_5f2b9c0e7a1d';
  const authorization =
    `AWS4-HMAC-SHA256 Credential=${accessKeyId}/20260522/us-east-1/sts/aws4_request, ` +
    `SignedHeaders=host;x-amz-date, Signature=${headerSignature}`;
  const presignedUrl =
    'https://examplebucket.s3.amazonaws.com/report.csv?X-Amz-Algorithm=AWS4-HMAC-SHA256' +
    `&X-Amz-Credential=${temporaryKeyId}%2F20260522%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20260522T000000Z` +
    `&X-Amz-Expires=900&X-Amz-SignedHeaders=host&X-Amz-Security-Token=${encodeURIComponent(sessionToken)}` +
    `&X-Amz-Signature=${urlSignature}`;
  const secrets = {
    accessKeyId,
    temporaryKeyId,
    secretAccessKey,
    sessionToken,
    sessionTokenStart: sessionToken.slice(0, 24),
    headerSignature,
    urlSignature,
    password,
    apiToken,
  };

  it('never reach stderr or the file, while everything else does', async () => {
    for (const stderrFormat of ['pretty', 'json'] as const) {
      await rm(logDir, { recursive: true, force: true });
      const { logger, close, stderr, fileText } = await open({ stderrFormat });

      logger.debug(
        {
          credentials: { accessKeyId, secretAccessKey, sessionToken },
          accountId: '123456789012',
          region: 'eu-west-1',
        },
        'assumed role',
      );
      logger.debug(
        {
          request: {
            headers: {
              Authorization: authorization,
              'X-Amz-Security-Token': sessionToken,
              host: 'sts.amazonaws.com',
            },
          },
        },
        'signed request',
      );
      logger.debug({ url: presignedUrl, quotaCode: 'L-1216C47A' }, 'report link');
      logger.debug(
        `from the environment: secretAccessKey=${secretAccessKey} sessionToken=${sessionToken} id ${accessKeyId}`,
      );
      logger.debug(
        { deep: { deeper: { deepest: { secretAccessKey, keyId: temporaryKeyId } } } },
        'nested past redact',
      );
      logger.warn(
        { err: Object.assign(new Error(`GET ${presignedUrl} failed`), { name: 'AccessDenied', password }) },
        'download failed',
      );
      logger
        .child({ token: apiToken, service: 'ec2' })
        .debug({ Credentials: { SecretAccessKey: secretAccessKey } }, 'child');
      await close();

      for (const [where, text] of [
        ['stderr', stderr()],
        ['file', await fileText()],
      ] as const) {
        for (const [name, secret] of Object.entries(secrets)) {
          expect(text.includes(secret), `${name} in ${where} (${stderrFormat})`).toBe(false);
        }
        for (const kept of [
          'assumed role',
          '123456789012',
          'eu-west-1',
          'sts.amazonaws.com',
          'examplebucket.s3.amazonaws.com/report.csv',
          'X-Amz-Algorithm=AWS4-HMAC-SHA256',
          'L-1216C47A',
          'download failed',
          'nested past redact',
          'ec2',
          '[redacted]',
        ]) {
          expect(text, `${where} (${stderrFormat}) keeps ${kept}`).toContain(kept);
        }
      }
    }
  });
});

describe('the file', () => {
  it("is named for today's date under logDir, one JSON entry per line", async () => {
    const { logger, close, file } = await open();
    logger.info({ targets: 3 }, 'sweep started');
    await close();
    const name = `headroom.${localDate()}.1.log`;
    expect(await readdir(logDir)).toEqual([name]);
    expect(file).toBe(join(logDir, name));
    const [entry] = (await readFile(join(logDir, name), 'utf8')).trim().split('\n');
    expect(JSON.parse(entry ?? '')).toMatchObject({ level: 30, msg: 'sweep started', targets: 3 });
  });

  it('is appended to by the next run on the same day', async () => {
    for (const run of [1, 2]) {
      const { logger, close } = await open();
      logger.info({ run }, 'run');
      await close();
    }
    const names = await readdir(logDir);
    expect(names).toHaveLength(1);
    const text = await readFile(join(logDir, names[0] ?? ''), 'utf8');
    expect(
      text
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { run: number }).run),
    ).toEqual([1, 2]);
  });

  it('holds every entry once close() resolves', async () => {
    const { logger, close, fileText } = await open({ level: 'silent' });
    for (let i = 0; i < 5000; i++) logger.debug({ i }, 'entry');
    await close();
    const lines = (await fileText()).trim().split('\n');
    expect(lines).toHaveLength(5000);
    expect(JSON.parse(lines.at(-1) ?? '')).toMatchObject({ i: 4999 });
  });

  it('drops entries after close() and survives a second close()', async () => {
    const { logger, close, fileText } = await open({ level: 'silent' });
    logger.info('before');
    await close();
    logger.info('after');
    await close();
    expect(await fileText()).toContain('before');
    expect(await fileText()).not.toContain('after');
  });

  it('keeps retentionDays days of files, today included, and nothing else is touched', async () => {
    const day = 86_400_000;
    const names = [0, 1, 2, 3, 40].map(
      (age) => `headroom.${localDate(new Date(Date.now() - age * day))}.1.log`,
    );
    await mkdir(logDir);
    for (const name of [...names, 'notes.txt', 'headroom.log']) await writeFile(join(logDir, name), 'old\n');
    const { close } = await open({ retentionDays: 3 });
    await close();
    expect((await readdir(logDir)).sort()).toEqual(
      [...names.slice(0, 3), 'headroom.log', 'notes.txt'].sort(),
    );
  });

  it('is not written when logDir is null or fileLevel is silent', async () => {
    const none = await open({ logDir: null });
    none.logger.error('only stderr');
    await none.close();
    expect(none.file).toBeNull();
    expect(none.stderr()).toContain('only stderr');

    const silent = await open({ fileLevel: 'silent' });
    silent.logger.error('only stderr');
    await silent.close();
    await expect(readdir(logDir)).rejects.toThrow();
  });

  it('fails with HR_LOG_UNWRITABLE when logDir cannot be created', async () => {
    await writeFile(join(root, 'plain-file'), '');
    const failure = createLogger({
      level: 'info',
      fileLevel: 'debug',
      logDir: join(root, 'plain-file', 'logs'),
      retentionDays: 14,
      stderr: capture().stream,
    });
    await expect(failure).rejects.toBeInstanceOf(EnvironmentError);
    await expect(failure).rejects.toMatchObject({ code: 'HR_LOG_UNWRITABLE', exitCode: 1 });
  });
});

describe('levels', () => {
  it('filter each stream on its own', async () => {
    const { logger, close, stderr, fileText } = await open({ level: 'warn', fileLevel: 'info' });
    logger.debug('debug entry');
    logger.info('info entry');
    logger.warn({ free: 3 }, 'warn entry');
    await close();
    expect(stderr()).toMatch(/^\d\d:\d\d:\d\d WARN {2}warn entry free=3\n$/);
    const file = await fileText();
    expect(file).toContain('info entry');
    expect(file).toContain('warn entry');
    expect(file).not.toContain('debug entry');
  });

  it('let stderr be chattier than the file', async () => {
    const { logger, close, stderr, fileText } = await open({ level: 'trace', fileLevel: 'error' });
    logger.trace('trace entry');
    logger.error('error entry');
    await close();
    expect(stderr()).toContain('TRACE trace entry');
    expect(await fileText()).not.toContain('trace entry');
    expect(await fileText()).toContain('error entry');
  });

  it('write pino JSON to stderr when asked', async () => {
    const { logger, close, stderr } = await open({ level: 'info', stderrFormat: 'json', logDir: null });
    logger.info({ n: 1 }, 'json entry');
    await close();
    expect(JSON.parse(stderr())).toMatchObject({ level: 30, msg: 'json entry', n: 1 });
  });
});

describe('silentLogger', () => {
  it('takes every call and writes nothing', () => {
    const logger = silentLogger();
    logger.error({ secretAccessKey: 'x' }, 'nothing');
    expect(logger.isLevelEnabled('error')).toBe(false);
    expect(logger.child({ a: 1 }).level).toBe('silent');
  });
});
