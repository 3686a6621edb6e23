import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { bootPortal, exited } from '../helpers/process.ts';
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
