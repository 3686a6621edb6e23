import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { migrate, openDatabase } from '../../src/data/db.ts';
import { driverFor } from '../../src/runtime.ts';
import { bootPortal, exited, ROOT } from '../helpers/process.ts';
import { emptyDatabase, PG_ADMIN_URL } from '../helpers/server.ts';

// Migrations run once when several processes start together on an empty database
// (issue 21): four real portal processes start at once; one set of migrations is
// applied, none twice or half, and every process becomes ready.

test('four processes starting at once on an empty database apply each migration once and all become ready', async (t) => {
  // Four Node processes booting on a loaded machine: slow, not stuck.
  t.timeout(240_000);
  const { url, db, drop } = await emptyDatabase();
  t.teardown(drop);
  const uploads = fs.mkdtempSync(path.join(os.tmpdir(), 'cuota-migrate-uploads-'));
  t.teardown(() => fs.rmSync(uploads, { recursive: true, force: true }));
  const children: ChildProcess[] = [];
  t.teardown(() => children.forEach((c) => c.kill('SIGKILL')));
  const portals = await Promise.all(Array.from({ length: 4 }, () => bootPortal({ DATABASE_URL: url, UPLOAD_DIR: uploads }, children)));

  const files = fs.readdirSync(path.resolve(import.meta.dirname, '../../migrations')).filter((f) => f.endsWith('.ts'));
  const applied = (await db('knex_migrations').select('name', 'batch')) as Array<{ name: string; batch: number }>;
  t.is(applied.length, files.length, 'each migration once');
  t.deepEqual(applied.map((m) => m.name).sort(), files.sort());
  t.is(new Set(applied.map((m) => m.batch)).size, 1, 'in one batch, by one process');
  t.is((await db('knex_migrations_lock').first())?.is_locked, 0, 'the lock is released');
  for (const p of portals) {
    const ready = await fetch(`${p.url}/readyz`);
    t.is(ready.status, 200, p.output());
  }
  // The demo accounts were seeded once, whoever came first.
  t.is(Number((await db('borrowers').count({ n: '*' }))[0]!.n), 1);
  for (const p of portals) p.child.kill('SIGTERM');
  t.deepEqual(await Promise.all(portals.map((p) => exited(p.child))), [0, 0, 0, 0]);
});

test('six bare migrators released at one moment on an empty database, three times: none fails, each migration once, one lock row', async (t) => {
  t.timeout(240_000);
  const db = path.join(ROOT, 'src/data/db.ts');
  // Each child loads, says so, and waits for the moment it is given on stdin: all six then reach knex's checks together.
  const script = `import { migrate, openDatabase } from ${JSON.stringify(db)};
    import readline from 'node:readline';
    const url = process.env.DATABASE_URL;
    const handle = openDatabase(url.startsWith('postgres') ? { client: 'pg', url } : { client: 'better-sqlite3', filename: url });
    console.log('ready');
    const at = await new Promise((resolve) => readline.createInterface({ input: process.stdin }).once('line', resolve));
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(at) - Date.now())));
    try { await migrate(handle); } finally { await handle.destroy(); }
    process.exit(0);`;
  const files = fs.readdirSync(path.resolve(import.meta.dirname, '../../migrations')).filter((f) => f.endsWith('.ts'));
  const children: ChildProcess[] = [];
  t.teardown(() => children.forEach((c) => c.kill('SIGKILL')));
  for (let round = 1; round <= 3; round++) {
    const { url, db: check, drop } = await emptyDatabase();
    t.teardown(drop);
    const runs = Array.from({ length: 6 }, () => {
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, env: { PATH: process.env.PATH, DATABASE_URL: url }, stdio: ['pipe', 'pipe', 'pipe'] });
      children.push(child);
      let err = '';
      child.stderr!.on('data', (c) => (err += c));
      const ready = new Promise<void>((resolve) => child.stdout!.on('data', (c) => String(c).includes('ready') && resolve()));
      return { child, ready, done: exited(child).then((code) => ({ code, err })) };
    });
    await Promise.all(runs.map((r) => r.ready));
    const at = Date.now() + 300;
    for (const { child } of runs) child.stdin!.write(`${at}\n`);
    const results = await Promise.all(runs.map((r) => r.done));
    t.deepEqual(results.filter((r) => r.code !== 0), [], `round ${round}`);
    const applied = (await check('knex_migrations').select('name', 'batch')) as Array<{ name: string; batch: number }>;
    t.deepEqual(applied.map((m) => m.name).sort(), [...files].sort(), 'each migration once');
    t.is(new Set(applied.map((m) => m.batch)).size, 1, 'one batch');
    t.deepEqual((await check('knex_migrations_lock').select('is_locked')).map((r) => Number(r.is_locked)), [0], 'one lock row, released');
  }
});

// SQLite: another process holding the write lock (a long migration) past busy_timeout makes a starting process wait, not fail.
if (!PG_ADMIN_URL) {
  test('a process starting while another holds SQLite\'s write lock for longer than busy_timeout waits for it', async (t) => {
    t.timeout(120_000);
    const { url, db, drop } = await emptyDatabase();
    t.teardown(drop);
    await migrate(db);
    // The driver this Node.js loads (better-sqlite3 12 aborts on Node 24: src/runtime.ts).
    const driver = driverFor(process.version).package;
    const holder = spawn(
      process.execPath,
      ['-e', `const db = require(${JSON.stringify(driver)})(${JSON.stringify(url)}); db.exec('BEGIN IMMEDIATE'); console.log('locked'); setTimeout(() => { db.exec('COMMIT'); process.exit(0); }, 7000);`],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const gone = exited(holder).then((code) => {
      throw new Error(`the lock holder exited (${code}) before holding the lock`);
    });
    t.teardown(() => holder.kill('SIGKILL'));
    await Promise.race([new Promise<void>((resolve) => holder.stdout!.on('data', (c) => String(c).includes('locked') && resolve())), gone]);
    gone.catch(() => {});
    const other = openDatabase({ client: 'better-sqlite3', filename: url });
    t.teardown(() => other.destroy());
    const started = Date.now();
    await migrate(other);
    t.true(Date.now() - started >= 5_000, 'it waited for the lock');
    t.is(await exited(holder), 0);
  });
}
