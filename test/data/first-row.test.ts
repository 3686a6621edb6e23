import test from 'ava';
import { firstRow } from '../../src/data/db.ts';
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
