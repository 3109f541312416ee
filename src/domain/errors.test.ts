/**
 * Every error code in src/ is documented in docs/errors.md, and every documented code is still
 * raised somewhere (fastify's errors test, in spirit).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EnvironmentError, UsageError } from './errors.js';

const root = new URL('../../', import.meta.url);

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('error codes', () => {
  const inCode = new Set(
    sources(new URL('src', root).pathname).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/\b(HR_[A-Z][A-Z_]*[A-Z])\b/g)].map((m) => m[1] ?? ''),
    ),
  );
  const inDocs = new Set(
    [...readFileSync(new URL('docs/errors.md', root), 'utf8').matchAll(/^\|\s*`(HR_[A-Z_]+)`\s*\|/gm)].map(
      (m) => m[1] ?? '',
    ),
  );

  it('finds codes on both sides', () => {
    expect(inCode.size).toBeGreaterThanOrEqual(3);
    expect(inDocs.size).toBeGreaterThanOrEqual(3);
  });

  it('documents every code headroom raises, and raises every documented code', () => {
    expect([...inCode].sort()).toEqual([...inDocs].sort());
  });

  it('gives usage errors exit code 2 and environment errors exit code 1', () => {
    expect(new UsageError('bad flag')).toMatchObject({ code: 'HR_CLI_USAGE', exitCode: 2 });
    const error = new EnvironmentError('HR_SANDBOX_PORT_IN_USE', 'port taken', { hint: 'pick another' });
    expect(error).toMatchObject({ code: 'HR_SANDBOX_PORT_IN_USE', exitCode: 1, hint: 'pick another' });
  });
});
