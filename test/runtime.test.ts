import { createRequire } from 'node:module';
import test from 'ava';
import { driverFor, nodeProblem, pairingProblem, sqliteDriver } from '../src/runtime.ts';

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
