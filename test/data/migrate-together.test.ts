import test from 'ava';
import { migrate, openDatabase } from '../../src/data/db.ts';
import { emptyDatabase, PG_ADMIN_URL } from '../helpers/server.ts';

const PG = Boolean(PG_ADMIN_URL);

// knex checks for its own tables and its lock row and then creates them, outside
// any lock: processes starting together on an empty SQLite file could add two
// lock rows, after which no process could take the lock again. The race itself
// is tested with real processes (test/processes/migrate-together.test.ts).

// SQLite only: on PostgreSQL the whole run holds an advisory lock, so knex never raced to add a second row.
if (!PG) {
  test('a SQLite database left with two lock rows by the old race starts again', async (t) => {
    t.timeout(60_000);
    const { url, db, drop } = await emptyDatabase();
    t.teardown(drop);
    await migrate(db);
    await db('knex_migrations_lock').insert({ is_locked: 0 });
    t.is((await db('knex_migrations_lock').select('*')).length, 2);
    const other = openDatabase({ client: 'better-sqlite3', filename: url });
    t.teardown(() => other.destroy());
    await migrate(other);
    t.deepEqual((await db('knex_migrations_lock').select('is_locked')).map((r) => Number(r.is_locked)), [0]);
  });
}
