import test from 'ava';
import { migrate, openDatabase } from '../../src/data/db.ts';
import { emptyDatabase, PG_ADMIN_URL } from '../helpers/server.ts';

// knex checks for its own tables and its lock row and then creates them, outside
// any lock: processes starting together on an empty SQLite file could add two
// lock rows, after which no process could take the lock again. The race itself
// is tested with real processes (test/processes/migrate-together.test.ts).

test('a database left with two lock rows by the old race starts again', async (t) => {
  t.timeout(60_000);
  const { url, db, drop } = await emptyDatabase();
  t.teardown(drop);
  await migrate(db);
  await db('knex_migrations_lock').insert({ is_locked: 0 });
  t.is((await db('knex_migrations_lock').select('*')).length, 2);
  const other = openDatabase(PG_ADMIN_URL ? { client: 'pg', url } : { client: 'better-sqlite3', filename: url });
  t.teardown(() => other.destroy());
  await migrate(other);
  t.deepEqual((await db('knex_migrations_lock').select('is_locked')).map((r) => Number(r.is_locked)), [0]);
});
