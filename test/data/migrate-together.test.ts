import type { ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import knexFactory from 'knex';
import { bootPortal, exited } from '../helpers/process.ts';
import { PG_ADMIN_URL } from '../helpers/server.ts';
import { openDatabase, type Db } from '../../src/data/db.ts';

// Migrations run once when several processes start together on an empty database
// (issue 21): four real portal processes start at once; one set of migrations is
// applied, none twice or half, and every process becomes ready.

async function emptyDatabase(t: { teardown(fn: () => Promise<void> | void): void }): Promise<{ url: string; db: Db }> {
  if (PG_ADMIN_URL) {
    const name = `cuota_migrate_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
    const admin = knexFactory({ client: 'pg', connection: PG_ADMIN_URL });
    await admin.raw(`create database ${name}`);
    const url = new URL(PG_ADMIN_URL);
    url.pathname = `/${name}`;
    const db = openDatabase({ client: 'pg', url: url.toString() });
    t.teardown(async () => {
      await db.destroy();
      await admin.raw(`drop database if exists ${name} with (force)`);
      await admin.destroy();
    });
    return { url: url.toString(), db };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cuota-migrate-'));
  const filename = path.join(dir, 'together.sqlite');
  const db = openDatabase({ client: 'better-sqlite3', filename });
  t.teardown(async () => {
    await db.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return { url: filename, db };
}

test('four processes starting at once on an empty database apply each migration once and all become ready', async (t) => {
  // Four Node processes booting on a loaded machine: slow, not stuck.
  t.timeout(240_000);
  const { url, db } = await emptyDatabase(t);
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
