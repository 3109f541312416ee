#!/usr/bin/env node
// Runs the test suite with Vitest and ends with one plain summary line, `N passed, N failed,
// N skipped`, read from Vitest's JSON report (CI reads that line). Exits with Vitest's code.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';

const report = 'test-results/vitest.json';
mkdirSync('test-results', { recursive: true });
rmSync(report, { force: true });
const run = spawnSync(
  process.execPath,
  [
    'node_modules/vitest/vitest.mjs',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${report}`,
    ...process.argv.slice(2),
  ],
  { stdio: 'inherit' },
);
let summary;
try {
  const results = JSON.parse(readFileSync(report, 'utf8'));
  const skipped = (results.numPendingTests ?? 0) + (results.numTodoTests ?? 0);
  summary = `${results.numPassedTests} passed, ${results.numFailedTests} failed, ${skipped} skipped`;
  if (results.numFailedTestSuites > 0 && results.numFailedTests === 0) {
    summary = `${results.numPassedTests} passed, ${results.numFailedTestSuites} failed, ${skipped} skipped`;
  }
} catch {
  summary = '0 passed, 1 failed';
}
console.log(summary);
process.exit(run.status ?? 1);
