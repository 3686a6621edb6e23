import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import test from 'ava';
import { driverFor, nodeProblem, pairingProblem, sqliteDriver } from '../src/runtime.ts';

const ROOT = path.resolve(import.meta.dirname, '..');

test('supported Node.js versions: 20.19+, 22.12+ and 24+', (t) => {
  for (const ok of ['20.19.0', '20.20.2', '22.12.0', '22.21.1', '24.0.0', '24.21.0', '26.1.0', 'v24.21.0']) {
    t.is(nodeProblem(ok), null, ok);
  }
  for (const bad of ['18.20.4', '20.18.3', '21.7.3', '22.11.0', '23.11.1', '16.0.0']) {
    t.is(nodeProblem(bad), `Node.js ${bad} is not supported; Cuota runs on Node.js 20.19+, 22.12+ or 24+ (24 LTS recommended)`, bad);
  }
});

test('Node 20 loads better-sqlite3 12; Node 22 and later the Node-API build, 13', (t) => {
  t.deepEqual(driverFor('20.19.0'), { package: 'better-sqlite3', major: 12 });
  t.deepEqual(driverFor('22.12.0'), { package: 'better-sqlite3-napi', major: 13 });
  t.deepEqual(driverFor('24.21.0'), { package: 'better-sqlite3-napi', major: 13 });
});

test('a driver that would crash on this Node.js is refused before it is loaded', (t) => {
  t.is(pairingProblem('20.20.2', '12.11.1'), null);
  t.is(pairingProblem('24.21.0', '13.2.0'), null);
  // 13 segfaults on Node 20; 12 aborts on Node >= 24.19.
  t.is(
    pairingProblem('20.20.2', '13.2.0'),
    'better-sqlite3 is better-sqlite3 13.2.0, which does not run on Node.js 20.20.2; Cuota needs better-sqlite3 12 there (run npm ci)',
  );
  t.is(
    pairingProblem('24.21.0', '12.11.1'),
    'better-sqlite3-napi (npm:better-sqlite3@13) is better-sqlite3 12.11.1, which does not run on Node.js 24.21.0; Cuota needs better-sqlite3 13 there (run npm ci)',
  );
  t.is(pairingProblem('22.21.1', null), 'the SQLite driver for Node.js 22.21.1, better-sqlite3-napi (npm:better-sqlite3@13), is not installed; run npm install with this Node.js');
});

test('this Node.js gets the driver made for it, and it runs SQL', (t) => {
  const Driver = sqliteDriver();
  const want = driverFor(process.versions.node);
  const installed = createRequire(import.meta.url)(`${want.package}/package.json`) as { version: string };
  t.is(Number(installed.version.split('.')[0]), want.major);
  const db = new Driver(':memory:');
  t.teardown(() => db.close());
  t.deepEqual(db.prepare('select 1 + 1 as two').get(), { two: 2 });
  t.is(sqliteDriver(), Driver, 'loaded once');
});

test('start-up on an unsupported Node.js refuses with one line, before touching the database', async (t) => {
  t.timeout(180_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cuota-runtime-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const filename = path.join(dir, 'cuota.sqlite');
  await Promise.all(
    ['18.20.4', '23.11.1'].map(async (version) => {
      // The process reports another Node.js version; nothing else is changed.
      const fake = `data:text/javascript,Object.defineProperty(process.versions,"node",{value:"${version}"})`;
      const run = await promisify(execFile)(process.execPath, [`--import=${fake}`, '--import', 'tsx', 'src/main.ts'], {
        cwd: ROOT,
        env: { PATH: process.env.PATH, PORT: '0', HOST: '127.0.0.1', DATABASE_URL: filename },
        // A start-up that does not refuse would listen forever.
        timeout: 150_000,
      }).then(
        () => ({ code: 0, stdout: '', stderr: 'started' }),
        (err: { code: number; stdout: string; stderr: string }) => err,
      );
      t.is(run.code, 1, version);
      t.is(run.stdout, '');
      t.is(run.stderr, `cuota: Node.js ${version} is not supported; Cuota runs on Node.js 20.19+, 22.12+ or 24+ (24 LTS recommended)\n`);
    }),
  );
  t.false(fs.existsSync(filename));
});
