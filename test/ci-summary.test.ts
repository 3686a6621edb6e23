import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';

const ROOT = path.resolve(import.meta.dirname, '..');
// Real ava output: 10 tests passed, one failed, one file died of an uncaught
// exception and one of SIGABRT (as better-sqlite3 12 does on Node 24.19+);
// ava's own last lines say only "1 test failed".
const CRASHED = path.join(ROOT, 'test/fixtures/ava-crashed-files.txt');

function summary(...suites: string[]): string {
  const run = spawnSync(process.execPath, ['scripts/ci-summary.mjs', ...suites], { cwd: ROOT, encoding: 'utf8' });
  return run.stdout;
}

test('.ci/run counts each test, and a test file that crashed as a failure', (t) => {
  t.is(summary(`1:${CRASHED}`).split('\n').at(-2), '10 passed, 3 failed');
});

test('above the closing line, each failure is named with its suite', (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cuota-ci-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const log = path.join(dir, '0.log');
  fs.writeFileSync(log, `ci: npm run test:pg\n${fs.readFileSync(CRASHED, 'utf8')}`);
  t.deepEqual(summary(`1:${log}`).trimEnd().split('\n'), [
    'failed in npm run test:pg: ✘ [fail]: zz-crash › one fails',
    'failed in npm run test:pg: Uncaught exception in test/zz-throw.test.ts',
    'failed in npm run test:pg: ✘ test/zz-crash.test.ts exited due to SIGABRT',
    '10 passed, 3 failed',
  ]);
});

test('the suites add up; a suite that failed with no test output counts once', (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cuota-ci-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const green = path.join(dir, 'green.log');
  fs.writeFileSync(green, '\n  ✔ config › one\n  ✔ config › two (200ms)\n  ─\n\n  2 tests passed\n');
  const broken = path.join(dir, 'broken.log');
  fs.writeFileSync(broken, 'npm error code ENOENT\n');
  t.is(summary(`0:${green}`), '2 passed, 0 failed\n');
  const lines = summary(`0:${green}`, `1:${CRASHED}`, `127:${broken}`).trimEnd().split('\n');
  t.is(lines.at(-1), '12 passed, 4 failed');
  t.is(lines.at(-2), 'failed in broken.log: exited with status 127');
});
