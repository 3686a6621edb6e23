import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import knexFactory, { type Knex } from 'knex';
import pg from 'pg';
import type { Config } from '../config.ts';

export type Db = Knex;
/** Either the database or a transaction: repositories accept both. */
export type Executor = Knex | Knex.Transaction;

const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations', import.meta.url));

// PostgreSQL bigint (int8) and numeric come back as strings by default; every
// bigint here is a unix time in ms or an amount in minor units, far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

interface SqliteConnection {
  pragma(sql: string): unknown;
  prepare(sql: string): unknown;
  close(): unknown;
}

const STATEMENT_CACHE_SIZE = 500;

/**
 * knex prepares every SQLite statement again on each query, which costs more
 * than running it. The app issues a small, fixed set of SQL texts, so the
 * connection keeps the prepared ones (bounded; oldest dropped first).
 */
function cacheStatements(conn: SqliteConnection): void {
  const prepare = conn.prepare.bind(conn);
  const cache = new Map<string, unknown>();
  conn.prepare = (sql: string) => {
    let statement = cache.get(sql);
    if (!statement) {
      statement = prepare(sql);
      if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
      cache.set(sql, statement);
    }
    return statement;
  };
}

interface Reader {
  conn: Database.Database | null;
  statements: Map<string, Database.Statement>;
}

// A SQLite file database's second connection, for firstRow; opened on first use.
const readers = new WeakMap<Db, Reader>();

/**
 * One row by a fixed SQL text (`?` placeholders), the same on both databases.
 * On a SQLite file, outside a transaction, it runs as a prepared statement on
 * a second, query-only connection: WAL lets it read beside the writer and it
 * sees every committed write. knex's builder, pool queue and query ids cost
 * several times the query itself, and the reads behind every signed-in request
 * (session, borrower, newest loan, bill) are the hottest. Anything else goes
 * through knex.
 */
export async function firstRow<T>(db: Executor, sql: string, bindings: ReadonlyArray<string | number>): Promise<T | undefined> {
  const reader = (db as Knex.Transaction).isTransaction ? undefined : readers.get(db as Db);
  if (reader) {
    if (!reader.conn) {
      reader.conn = new Database((db as Db).client.config.connection.filename, { fileMustExist: true });
      reader.conn.pragma('busy_timeout = 5000');
      reader.conn.pragma('query_only = ON');
    }
    let statement = reader.statements.get(sql);
    if (!statement) {
      statement = reader.conn.prepare(sql);
      reader.statements.set(sql, statement);
    }
    return statement.get(...bindings) as T | undefined;
  }
  const result = await db.raw(sql, bindings as (string | number)[]);
  // better-sqlite3 answers the rows; pg a result with them.
  return (Array.isArray(result) ? result[0] : result.rows[0]) as T | undefined;
}

/** Opens the configured database: SQLite in WAL mode with foreign keys on, or PostgreSQL. */
export function openDatabase(database: Config['database']): Db {
  if (database.client === 'pg') {
    return knexFactory({ client: 'pg', connection: database.url, pool: { min: 0, max: 10 } });
  }
  const reader: Reader = { conn: null, statements: new Map() };
  const db = sqlite(database.filename, reader);
  if (database.filename !== ':memory:') readers.set(db, reader);
  return db;
}

function sqlite(filename: string, reader: Reader): Db {
  if (filename !== ':memory:') {
    fs.mkdirSync(path.dirname(path.resolve(filename)), { recursive: true });
  }
  return knexFactory({
    client: 'better-sqlite3',
    connection: { filename },
    useNullAsDefault: true,
    // better-sqlite3 is synchronous: one connection serialises writers without SQLITE_BUSY.
    pool: {
      min: 1,
      max: 1,
      afterCreate(conn: SqliteConnection, done: (err: Error | null, conn: unknown) => void) {
        cacheStatements(conn);
        conn.pragma('journal_mode = WAL');
        conn.pragma('busy_timeout = 5000');
        conn.pragma('foreign_keys = ON');
        conn.pragma('synchronous = NORMAL');
        // The reader lives and dies with the writer (knex closes it on destroy).
        const close = conn.close.bind(conn);
        conn.close = () => {
          reader.conn?.close();
          reader.conn = null;
          reader.statements.clear();
          return close();
        };
        done(null, conn);
      },
    },
  });
}

/** Inserts one row and answers its new id, the same way on SQLite and PostgreSQL. */
export async function insertReturningId(db: Executor, table: string, row: object): Promise<number> {
  const [inserted] = await db(table).insert(row).returning('id');
  return typeof inserted === 'object' ? inserted.id : inserted;
}

/** True for a unique-constraint violation, from either database. */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string } | undefined;
  return e?.code === '23505' || e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || /UNIQUE constraint failed/.test(e?.message ?? '');
}

/** Runs every pending migration in migrations/. */
export async function migrate(db: Db): Promise<void> {
  await db.migrate.latest({ directory: MIGRATIONS_DIR, loadExtensions: ['.ts'] });
}
