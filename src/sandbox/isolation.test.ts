/**
 * The sandbox is a separate AWS endpoint: it imports nothing from the rest of headroom (so it
 * cannot share a bug with the code it tests), and only the CLI reaches into it, through its index.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:import|export)\s[^'"]*?from\s+'([^']+)'|import\('([^']+)'\)/g)].map(
    (m) => m[1] ?? m[2] ?? '',
  );
}

describe('module boundaries', () => {
  // Tests may use test tools; the rule is about the code that ships.
  const files = sourceFiles(src).filter((f) => !f.endsWith('.test.ts'));
  it('finds the source tree', () => {
    expect(files.filter((f) => f.includes(join('src', 'sandbox'))).length).toBeGreaterThan(20);
  });

  it('src/sandbox imports only itself and Node built-ins', () => {
    const offending: string[] = [];
    for (const file of files.filter((f) => relative(src, f).startsWith('sandbox'))) {
      for (const target of imports(file)) {
        if (target.startsWith('node:')) continue;
        const inside =
          target.startsWith('.') &&
          relative(join(src, 'sandbox'), resolve(dirname(file), target)).split('/')[0] !== '..';
        if (!inside) offending.push(`${relative(src, file)} → ${target}`);
      }
    }
    expect(offending).toEqual([]);
  });

  it('only the CLI imports the sandbox, and only through its index', () => {
    const offending: string[] = [];
    for (const file of files.filter((f) => !relative(src, f).startsWith('sandbox'))) {
      for (const target of imports(file)) {
        if (!target.startsWith('.')) continue;
        const resolved = relative(src, resolve(dirname(file), target));
        if (!resolved.startsWith('sandbox')) continue;
        if (!(relative(src, file).startsWith('cli') && resolved === join('sandbox', 'index.js'))) {
          offending.push(`${relative(src, file)} → ${target}`);
        }
      }
    }
    expect(offending).toEqual([]);
  });
});
