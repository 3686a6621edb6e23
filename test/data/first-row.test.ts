import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { allRows, firstRow, insertReturningId, migrate, openDatabase, type ReaderOptions } from '../../src/data/db.ts';
import { sqliteDriver } from '../../src/runtime.ts';
import { freshDatabase } from '../helpers/server.ts';

// firstRow reads on a second connection on SQLite: it must still see every
// committed write at once, and inside a transaction it must read through it.

test('firstRow sees a committed write at once and nothing for a missing row', async (t) => {
  const { db, drop } = await freshDatabase();
  try {
    const sql = 'select * from borrowers where phone = ?';
    t.is(await firstRow(db, sql, ['5512345678']), undefined);
    await db('borrowers').insert({ phone: '5512345678', password_hash: 'x', quota: 100, created_at: 1, updated_at: 1 });
    t.like(await firstRow<{ quota: number }>(db, sql, ['5512345678']), { phone: '5512345678', quota: 100 });
    await db('borrowers').where({ phone: '5512345678' }).update({ quota: 250 });
    t.like(await firstRow(db, sql, ['5512345678']), { quota: 250 });
  } finally {
    await drop();
  }
});

test('allRows lists every row in order, sees the next write at once, and answers rows no caller can change', async (t) => {
  const { db, drop } = await freshDatabase();
  try {
    const sql = 'select * from borrowers where quota = ? order by id desc';
    t.deepEqual(await allRows(db, sql, [5]), []);
    await db('borrowers').insert({ phone: '5512000001', password_hash: 'x', quota: 5, created_at: 1, updated_at: 1 });
    await db('borrowers').insert({ phone: '5512000002', password_hash: 'x', quota: 5, created_at: 1, updated_at: 1 });
    const rows = await allRows<{ phone: string }>(db, sql, [5]);
    t.deepEqual(rows.map((r) => r.phone), ['5512000002', '5512000001']);
    if (db.client.config.client !== 'pg') {
      // Kept rows are shared between requests: frozen, so no caller can change another's.
      t.throws(() => (rows as Array<{ phone: string }>).push({ phone: 'x' }));
      t.throws(() => ((rows[0] as { phone: string }).phone = 'changed'));
    }
    await db('borrowers').where({ phone: '5512000001' }).update({ quota: 6 });
    t.deepEqual((await allRows<{ phone: string }>(db, sql, [5])).map((r) => r.phone), ['5512000002']);
  } finally {
    await drop();
  }
});

test('inside a transaction firstRow reads its uncommitted writes; outside, it does not until commit', async (t) => {
  const { db, drop } = await freshDatabase();
  try {
    const sql = 'select * from borrowers where phone = ?';
    await db.transaction(async (trx) => {
      await trx('borrowers').insert({ phone: '5599999999', password_hash: 'x', quota: 7, created_at: 1, updated_at: 1 });
      t.like(await firstRow(trx, sql, ['5599999999']), { quota: 7 });
      // SQLite's one writer connection is busy with the transaction; the reader must not see it yet.
      if (db.client.config.client !== 'pg') t.is(await firstRow(db, sql, ['5599999999']), undefined);
    });
    t.like(await firstRow(db, sql, ['5599999999']), { quota: 7 });
  } finally {
    await drop();
  }
});

// On a SQLite file firstRow keeps the rows it read until the database changes.
// These tests open SQLite themselves: the reader does not exist on PostgreSQL.
async function sqliteFile(options: ReaderOptions = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cuota-first-row-'));
  const filename = path.join(dir, 'kept.sqlite');
  const db = openDatabase({ client: 'better-sqlite3', filename }, options);
  await migrate(db);
  await db('borrowers').insert({ phone: '5511111111', password_hash: 'x', quota: 100, created_at: 1, updated_at: 1 });
  return {
    db,
    filename,
    async drop() {
      await db.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
const byPhone = 'select * from borrowers where phone = ?';

test('a kept row is answered again, frozen, until this process writes; then the write shows at once', async (t) => {
  const { db, drop } = await sqliteFile();
  try {
    const first = await firstRow<{ quota: number }>(db, byPhone, ['5511111111']);
    t.is(await firstRow(db, byPhone, ['5511111111']), first, 'the same row, not read again');
    t.true(Object.isFrozen(first));
    t.throws(() => {
      (first as { quota: number }).quota = 1;
    }, { instanceOf: TypeError });
    await db('borrowers').where({ phone: '5511111111' }).update({ quota: 250 });
    t.like(await firstRow(db, byPhone, ['5511111111']), { quota: 250 });
    // A missing row is kept too, until a write adds it.
    t.is(await firstRow(db, byPhone, ['5522222222']), undefined);
    await db('borrowers').insert({ phone: '5522222222', password_hash: 'x', quota: 5, created_at: 1, updated_at: 1 });
    t.like(await firstRow(db, byPhone, ['5522222222']), { quota: 5 });
    // An insert that returns its id is a statement that answers rows and writes.
    t.is(await firstRow(db, byPhone, ['5533333333']), undefined);
    await insertReturningId(db, 'borrowers', { phone: '5533333333', password_hash: 'x', quota: 6, created_at: 1, updated_at: 1 });
    t.like(await firstRow(db, byPhone, ['5533333333']), { quota: 6 });
  } finally {
    await drop();
  }
});

test('a transaction of this process: its writes show when it commits, and a rollback leaves the old row', async (t) => {
  const { db, drop } = await sqliteFile();
  try {
    await db.transaction(async (trx) => {
      await trx('borrowers').where({ phone: '5511111111' }).update({ quota: 300 });
      // Read (and kept) while the transaction is open: the committed row.
      t.like(await firstRow(db, byPhone, ['5511111111']), { quota: 100 });
    });
    t.like(await firstRow(db, byPhone, ['5511111111']), { quota: 300 }, 'the commit empties what was kept');
    await t.throwsAsync(
      db.transaction(async (trx) => {
        await trx('borrowers').where({ phone: '5511111111' }).update({ quota: 400 });
        t.like(await firstRow(db, byPhone, ['5511111111']), { quota: 300 });
        throw new Error('changed my mind');
      }),
    );
    t.like(await firstRow(db, byPhone, ['5511111111']), { quota: 300 });
  } finally {
    await drop();
  }
});

test("another process's commit is seen once the check interval has passed", async (t) => {
  let now = 0;
  const { db, filename, drop } = await sqliteFile({ otherWritersEveryMs: 1000, now: () => now });
  const other = new (sqliteDriver())(filename);
  try {
    t.like(await firstRow(db, byPhone, ['5511111111']), { quota: 100 });
    other.prepare('update borrowers set quota = 700 where phone = ?').run('5511111111');
    now = 999;
    t.like(await firstRow(db, byPhone, ['5511111111']), { quota: 100 }, 'still the kept row inside the interval');
    now = 1000;
    t.like(await firstRow(db, byPhone, ['5511111111']), { quota: 700 });
  } finally {
    other.close();
    await drop();
  }
});
