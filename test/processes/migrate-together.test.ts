import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { spawn } from 'node:child_process';
import { bootPortal, exited, ROOT } from '../helpers/process.ts';
import { emptyDatabase } from '../helpers/server.ts';

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

test('six bare migrators at once on an empty database, three times: none fails, each migration once, one lock row', async (t) => {
  t.timeout(240_000);
  const db = path.join(ROOT, 'src/data/db.ts');
  const script = `import { migrate, openDatabase } from ${JSON.stringify(db)};
    const url = process.env.DATABASE_URL;
    // Loaded: wait for the moment all six were given, so they reach knex's checks together.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(process.env.START_AT) - Date.now())));
    const handle = openDatabase(url.startsWith('postgres') ? { client: 'pg', url } : { client: 'better-sqlite3', filename: url });
    try { await migrate(handle); } finally { await handle.destroy(); }`;
  for (let round = 1; round <= 3; round++) {
    const { url, db: check, drop } = await emptyDatabase();
    t.teardown(drop);
    const startAt = String(Date.now() + 5_000);
    const runs = Array.from({ length: 6 }, () => {
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, env: { PATH: process.env.PATH, DATABASE_URL: url, START_AT: startAt }, stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      child.stderr!.on('data', (c) => (err += c));
      return exited(child).then((code) => ({ code, err }));
    });
    const results = await Promise.all(runs);
    t.deepEqual(results.filter((r) => r.code !== 0), [], `round ${round}`);
    const applied = (await check('knex_migrations').select('name', 'batch')) as Array<{ name: string; batch: number }>;
    t.is(new Set(applied.map((m) => m.name)).size, applied.length, 'no migration twice');
    t.is(new Set(applied.map((m) => m.batch)).size, 1, 'one batch');
    t.deepEqual((await check('knex_migrations_lock').select('is_locked')).map((r) => Number(r.is_locked)), [0], 'one lock row, released');
  }
});
