import type { Executor } from '../db.ts';

// Bulk loading for the volume generator (`npm run seed:volume`): rows as
// arrays of values in a fixed column order, written as multi-row INSERTs so a
// million rows are a few thousand statements, never a round trip each.

/** Most bound values in one statement: below SQLite's 32,766 and PostgreSQL's 65,535. */
const MAX_BINDINGS = 30_000;

/** Inserts rows (values in `columns` order) in as few statements as the binding limits allow. */
export async function insertMany(db: Executor, table: string, columns: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number | null>>): Promise<void> {
  if (!rows.length) return;
  const per = Math.max(1, Math.floor(MAX_BINDINGS / columns.length));
  const cols = columns.map((c) => `"${c}"`).join(', ');
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  for (let i = 0; i < rows.length; i += per) {
    const chunk = rows.slice(i, i + per);
    const sql = `insert into "${table}" (${cols}) values ${Array(chunk.length).fill(tuple).join(', ')}`;
    await db.raw(sql, chunk.flat() as Array<string | number | null>);
  }
}

/** The largest id in a table (0 when empty): where generated ids start. */
export async function maxId(db: Executor, table: string): Promise<number> {
  const row = await db(table).max<{ m: number | string | null }[]>({ m: 'id' }).first();
  return Number(row?.m ?? 0);
}

/** After inserting explicit ids on PostgreSQL, moves the table's id sequence past them (SQLite needs nothing). */
export async function syncIdSequence(db: Executor, table: string): Promise<void> {
  if (db.client.config.client !== 'pg') return;
  await db.raw(`select setval(pg_get_serial_sequence('"${table}"', 'id'), greatest((select max(id) from "${table}"), 1))`);
}
