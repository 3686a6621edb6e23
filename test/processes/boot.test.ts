import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { bootPortal, exited, ROOT } from '../helpers/process.ts';
import { freshDatabase } from '../helpers/server.ts';

function tempDir(t: { teardown(fn: () => void): void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cuota-boot-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('first start migrates and seeds the demo accounts; SIGTERM finishes in-flight requests and closes', async (t) => {
  const database = await freshDatabase();
  t.teardown(() => database.drop());
  const { child, url, output } = await bootPortal({ DATABASE_URL: database.url });
  t.teardown(() => child.kill('SIGKILL'));
  t.regex(output(), /seeded demo accounts/);

  const signIn = await fetch(`${url}/Index/ajaxSignIn`, {
    method: 'POST',
    headers: { 'X-Requested-With': 'XMLHttpRequest', 'Content-Type': 'application/x-www-form-urlencoded' },
    body: 'username=9680304707&password=123456',
  });
  t.is(signIn.status, 200);

  // A request whose body is still arriving when SIGTERM comes must still be answered.
  const body = 'username=9680304707&password=123456';
  const pending = new Promise<number>((resolve, reject) => {
    const req = http.request(`${url}/Index/ajaxSignIn`, {
      method: 'POST',
      headers: {
        'X-Requested-With': 'XMLHttpRequest',
        'Content-Type': 'application/x-www-form-urlencoded',
        'Content-Length': Buffer.byteLength(body),
      },
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode!);
    });
    req.on('error', reject);
    req.write(body.slice(0, 10));
    setTimeout(() => {
      child.kill('SIGTERM');
      setTimeout(() => req.end(body.slice(10)), 300);
    }, 200);
  });
  t.is(await pending, 200);
  t.is(await exited(child), 0);
  t.regex(output(), /"msg":"stopped"/);

  const { db } = database;
  t.deepEqual(await db('borrowers').select('phone', 'quota'), [{ phone: '9680304707', quota: 500_000 }]);
  t.is((await db('staff')).length, 1);
  if (db.client.config.client === 'better-sqlite3') {
    t.is((await db.raw('pragma journal_mode'))[0].journal_mode, 'wal');
    t.is((await db.raw('pragma foreign_keys'))[0].foreign_keys, 1);
  }
});

test('a second start does not seed again, and production never seeds', async (t) => {
  const first = await freshDatabase();
  t.teardown(() => first.drop());
  const startAndStop = async (env: Record<string, string>) => {
    const { child, output } = await bootPortal({ DATABASE_URL: first.url, ...env });
    child.kill('SIGTERM');
    t.is(await exited(child), 0);
    return output();
  };
  t.regex(await startAndStop({}), /seeded demo accounts/);
  t.notRegex(await startAndStop({}), /seeded/);

  const prod = await freshDatabase();
  t.teardown(() => prod.drop());
  const { child, url, output } = await bootPortal({ DATABASE_URL: prod.url, NODE_ENV: 'production', SESSION_SECRET: 'y'.repeat(40), PAYMENT_WEBHOOK_SECRET: 'p'.repeat(40), PAYMENT_GATEWAY: 'sandbox', DATA_KEY: 'p1:' + Buffer.alloc(32, 7).toString('base64'), DATA_HASH_KEY: 'h'.repeat(32), KYC_PROVIDER: 'sandbox' });
  t.is((await fetch(`${url}/Index/languages`)).status, 200);
  child.kill('SIGTERM');
  t.is(await exited(child), 0);
  t.notRegex(output(), /seeded/);
  // Production buffers its log; what is still buffered goes out at exit.
  t.regex(output(), /"route":"\/Index\/languages","status":200/);
  t.regex(output(), /"msg":"stopped"/);
  t.is((await prod.db('borrowers')).length, 0);
});

test('production refuses to start with the default session secret', (t) => {
  const dir = tempDir(t);
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, NODE_ENV: 'production', DATABASE_URL: path.join(dir, 'x.sqlite'), PORT: '0' },
    encoding: 'utf8',
  });
  t.is(run.status, 1);
  t.regex(run.stderr, /SESSION_SECRET must be set/);
  t.false(fs.existsSync(path.join(dir, 'x.sqlite')), 'nothing was created');
});

test('CLOCK_AT runs the portal at a given time: restarting past the due day shows the loan overdue', async (t) => {
  const database = await freshDatabase();
  t.teardown(() => database.drop());
  const headers = { 'X-Requested-With': 'XMLHttpRequest', 'Content-Type': 'application/x-www-form-urlencoded' };
  const session = async (url: string) => {
    const res = await fetch(`${url}/Index/ajaxSignIn`, { method: 'POST', headers, body: 'username=9680304707&password=123456' });
    return { ...headers, Cookie: res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ') };
  };

  const first = await bootPortal({ DATABASE_URL: database.url, CLOCK_AT: '2026-03-02T10:00:00-06:00' });
  t.teardown(() => first.child.kill('SIGKILL'));
  const h1 = await session(first.url);
  await fetch(`${first.url}/Loan/reLoan`, { method: 'POST', headers: h1, body: 'money=3000&time=10' });
  await fetch(`${first.url}/Index/ajaxApply`, { method: 'POST', headers: h1, body: 'kfs_ack=1' });
  const before = await (await fetch(`${first.url}/Repay/loans`, { headers: h1 })).json();
  t.like(before.data, { status: 0, nextRepayDay: '12-03-2026', repay_money: 3216 });
  first.child.kill('SIGTERM');
  await exited(first.child);

  const second = await bootPortal({ DATABASE_URL: database.url, CLOCK_AT: '2026-03-14T09:00:00-06:00' });
  t.teardown(() => second.child.kill('SIGKILL'));
  const h2 = await session(second.url);
  const after = await (await fetch(`${second.url}/Repay/loans`, { headers: h2 })).json();
  t.like(after.data, { status: 1, hasOverdue: true });
  const detail = await (await fetch(`${second.url}/Repay/loanDetail?oid=${after.data.oid}`, { headers: h2 })).json();
  t.like(detail.data, { needRepayMoney: 3336, bill: { overdue: '120.00', status: '1' } });
  second.child.kill('SIGTERM');
  await exited(second.child);
});

test('outside production the start-up log says where the text-message outbox is', async (t) => {
  const database = await freshDatabase();
  t.teardown(() => database.drop());
  const { child, url, output } = await bootPortal({ DATABASE_URL: database.url });
  t.teardown(() => child.kill('SIGKILL'));
  // The line follows the "listening" one; the outbox answers once it is there.
  const outbox = `${url}/dev/outbox`;
  for (let i = 0; i < 50 && !output().includes(outbox); i++) await new Promise((resolve) => setImmediate(resolve));
  const res = await fetch(outbox, { headers: { Accept: 'application/json' } });
  t.is(res.status, 200);
  t.true(output().includes(`read them at ${outbox}`), output());
});
