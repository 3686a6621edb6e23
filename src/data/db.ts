import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type Database from 'better-sqlite3';
import knexFactory, { type Knex } from 'knex';
import pg from 'pg';
import type { Config } from '../config.ts';
import { type SqliteDriver, sqliteDriver } from '../runtime.ts';

export type Db = Knex;
/** Either the database or a transaction: repositories accept both. */
export type Executor = Knex | Knex.Transaction;

/**
 * The largest row id (`increments()`: PostgreSQL `integer`). A larger id names
 * no row; sent to PostgreSQL it is an error ("out of range for type integer"),
 * so the request's edge refuses it first (validate.ts `rowId`, routes' `:id`).
 */
export const MAX_ROW_ID = 2 ** 31 - 1;

/** Whether a text is a row id: digits, no leading zero, at most MAX_ROW_ID. */
export function isRowId(text: string): boolean {
  return /^[1-9]\d{0,9}$/.test(text) && Number(text) <= MAX_ROW_ID;
}

const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations', import.meta.url));

// PostgreSQL bigint (int8) and numeric come back as strings by default; every
// bigint here is a unix time in ms or an amount in minor units, far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

interface SqliteConnection {
  pragma(sql: string): unknown;
  prepare(sql: string): unknown;
  close(): unknown;
}

interface SqliteStatement {
  reader: boolean;
  readonly: boolean;
  run(...args: unknown[]): unknown;
  get(...args: unknown[]): unknown;
  all(...args: unknown[]): unknown;
  iterate(...args: unknown[]): unknown;
}

const STATEMENT_CACHE_SIZE = 500;

/**
 * Makes a statement call `wrote` each time it has run, unless it is a plain
 * read (answers rows and changes nothing). That counts what SQLite calls
 * read-only yet answers no rows (BEGIN, COMMIT, ROLLBACK, SAVEPOINT) and
 * what answers rows yet writes (INSERT ... RETURNING), whichever method
 * knex runs it with.
 */
function countWrites(statement: SqliteStatement, wrote: () => void): void {
  if (statement.reader && statement.readonly) return;
  for (const method of ['run', 'get', 'all', 'iterate'] as const) {
    const call = statement[method].bind(statement);
    statement[method] = (...args: unknown[]) => {
      try {
        return call(...args);
      } finally {
        wrote();
      }
    };
  }
}

/**
 * knex prepares every SQLite statement again on each query, which costs more
 * than running it. The app issues a small, fixed set of SQL texts, so the
 * connection keeps the prepared ones (bounded; oldest dropped first), each
 * counting its writes (countWrites).
 */
function cacheStatements(conn: SqliteConnection, wrote: () => void): void {
  const prepare = conn.prepare.bind(conn);
  const cache = new Map<string, unknown>();
  conn.prepare = (sql: string) => {
    let statement = cache.get(sql) as SqliteStatement | undefined;
    if (!statement) {
      statement = prepare(sql) as SqliteStatement;
      countWrites(statement, wrote);
      if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
      cache.set(sql, statement);
    }
    return statement;
  };
}

// Rows kept by firstRow between writes; beyond this many, the oldest go first.
const ROW_CACHE_SIZE = 20_000;
// How soon a commit by another process on the same SQLite file is seen (see currentRows).
const OTHER_WRITERS_EVERY_MS = 1000;

/**
 * A SQLite file database's second connection, for firstRow (opened on first
 * use), and the rows it has answered since the database last changed.
 */
interface Reader {
  conn: Database.Database | null;
  statements: Map<string, Database.Statement>;
  dataVersion: Database.Statement | null;
  /** Rows by bindings and SQL text, kept until the database changes (currentRows). */
  rows: Map<string, unknown>;
  /** SQLite's data_version when the rows were read: it moves when another connection commits. */
  rowsVersion: unknown;
  /** When data_version was last asked (monotonic ms), and how often to ask it without a write of ours. */
  checkedAt: number;
  checkEveryMs: number;
  now: () => number;
}

/** How firstRow's kept rows learn of writes by other processes on the same SQLite file. */
export interface ReaderOptions {
  /** At most this long (ms) before another process's commit is seen; this process's own writes are seen at once. */
  otherWritersEveryMs?: number;
  /** Monotonic milliseconds (tests move it). */
  now?: () => number;
}

const readers = new WeakMap<Db, Reader>();

function openReader(db: Db, reader: Reader): Database.Database {
  if (!reader.conn) {
    const Driver = sqliteDriver();
    reader.conn = new Driver(db.client.config.connection.filename, { fileMustExist: true });
    reader.conn.pragma('busy_timeout = 5000');
    reader.conn.pragma('query_only = ON');
    reader.dataVersion = reader.conn.prepare('pragma data_version').pluck();
  }
  return reader.conn;
}

/** Forgets every kept row: this process's writer connection calls it after each statement that is not a plain read. */
function forgetRows(reader: Reader): void {
  reader.rows = new Map();
  // The next read asks data_version again, so the write is not mistaken for another process's.
  reader.checkedAt = -Infinity;
}

/**
 * The reader's kept rows, emptied first when another process has committed
 * to the same file since they were read (this process's own writes empty
 * them at once, forgetRows). Asking SQLite's data_version costs as much as
 * the read it would save (a read transaction of its own), so it is asked only
 * every `checkEveryMs`: an account created from the command line, say, shows
 * within that time.
 */
function currentRows(reader: Reader): Map<string, unknown> {
  const now = reader.now();
  if (now - reader.checkedAt >= reader.checkEveryMs) {
    const version = reader.dataVersion!.get();
    reader.checkedAt = now;
    if (version !== reader.rowsVersion) {
      reader.rows = new Map();
      reader.rowsVersion = version;
    }
  }
  return reader.rows;
}

/**
 * One row by a fixed SQL text (`?` placeholders), the same on both databases.
 * On a SQLite file, outside a transaction, it runs as a prepared statement on
 * a second, query-only connection: WAL lets it read beside the writer and it
 * sees every committed write. The row is then kept (frozen) and answered
 * again until the database changes: at once for this process's own writes,
 * within a second for another process's (see currentRows). The reads behind
 * every signed-in request (session, borrower, newest loan, bill) are the
 * hottest, and knex's builder, pool queue and query ids cost several times
 * the query itself. Anything else, and
 * everything on PostgreSQL (where several processes share the data), goes
 * through knex every time.
 */
export async function firstRow<T>(db: Executor, sql: string, bindings: ReadonlyArray<string | number>): Promise<T | undefined> {
  const reader = (db as Knex.Transaction).isTransaction ? undefined : readers.get(db as Db);
  if (reader) return keptRead(db as Db, reader, 'get', sql, bindings) as T | undefined;
  const result = await db.raw(sql, bindings as (string | number)[]);
  // better-sqlite3 answers the rows; pg a result with them.
  return (Array.isArray(result) ? result[0] : result.rows[0]) as T | undefined;
}

/**
 * Every row of a fixed SQL text, read and kept exactly as firstRow's one row
 * is (the array and each row frozen): the few rows a signed-in page lists
 * (a bill's settlements, payment intents and proofs).
 */
export async function allRows<T>(db: Executor, sql: string, bindings: ReadonlyArray<string | number>): Promise<readonly T[]> {
  const reader = (db as Knex.Transaction).isTransaction ? undefined : readers.get(db as Db);
  if (reader) return keptRead(db as Db, reader, 'all', sql, bindings) as readonly T[];
  const result = await db.raw(sql, bindings as (string | number)[]);
  return (Array.isArray(result) ? result : result.rows) as T[];
}

function keptRead(db: Db, reader: Reader, mode: 'get' | 'all', sql: string, bindings: ReadonlyArray<string | number>): unknown {
  const conn = openReader(db, reader);
  const rows = currentRows(reader);
  const key = `${mode}\u0000${bindings.join('\u0000')}\u0000${sql}`;
  if (rows.has(key)) return rows.get(key);
  let statement = reader.statements.get(sql);
  if (!statement) {
    statement = conn.prepare(sql);
    reader.statements.set(sql, statement);
  }
  let answer: unknown;
  if (mode === 'get') {
    const row = statement.get(...bindings) as object | undefined;
    answer = row === undefined ? undefined : Object.freeze(row);
  } else {
    answer = Object.freeze((statement.all(...bindings) as object[]).map((r) => Object.freeze(r)));
  }
  if (rows.size >= ROW_CACHE_SIZE) rows.delete(rows.keys().next().value!);
  rows.set(key, answer);
  return answer;
}

/** Opens the configured database: SQLite in WAL mode with foreign keys on, or PostgreSQL. */
export function openDatabase(database: Config['database'], options: ReaderOptions = {}): Db {
  if (database.client === 'pg') {
    // A request waits at most this long for a connection, then is answered 503 (isDatabaseUnavailable)
    // rather than after knex's default minute. While the database is away, connecting fails at once.
    return knexFactory({ client: 'pg', connection: database.url, pool: { min: 0, max: 10 }, acquireConnectionTimeout: 20_000 });
  }
  const reader: Reader = {
    conn: null,
    statements: new Map(),
    dataVersion: null,
    rows: new Map(),
    rowsVersion: null,
    checkedAt: -Infinity,
    checkEveryMs: options.otherWritersEveryMs ?? OTHER_WRITERS_EVERY_MS,
    now: options.now ?? (() => performance.now()),
  };
  const db = sqlite(database.filename, reader);
  if (database.filename !== ':memory:') readers.set(db, reader);
  return db;
}

// knex's better-sqlite3 dialect, which loads its driver by `require('better-sqlite3')`.
const BetterSqlite3Client = createRequire(import.meta.url)('knex/lib/dialects/better-sqlite3/index.js') as typeof Knex.Client;

/**
 * knex's better-sqlite3 dialect on the driver that runs on this Node.js
 * (runtime.ts), handed over rather than found by package name. `config.client`
 * still reads 'better-sqlite3'.
 */
function clientWith(driver: SqliteDriver): typeof Knex.Client {
  return class extends BetterSqlite3Client {
    constructor(config: Knex.Config) {
      super({ ...config, client: 'better-sqlite3' });
    }
    _driver(): SqliteDriver {
      return driver;
    }
  } as unknown as typeof Knex.Client;
}

function sqlite(filename: string, reader: Reader): Db {
  const driver = sqliteDriver();
  if (filename !== ':memory:') {
    fs.mkdirSync(path.dirname(path.resolve(filename)), { recursive: true });
  }
  return knexFactory({
    client: clientWith(driver),
    connection: { filename },
    useNullAsDefault: true,
    // better-sqlite3 is synchronous: one connection serialises writers without SQLITE_BUSY.
    pool: {
      min: 1,
      max: 1,
      afterCreate(conn: SqliteConnection, done: (err: Error | null, conn: unknown) => void) {
        cacheStatements(conn, () => forgetRows(reader));
        conn.pragma('journal_mode = WAL');
        conn.pragma('busy_timeout = 5000');
        conn.pragma('foreign_keys = ON');
        conn.pragma('synchronous = NORMAL');
        // The reader lives and dies with the writer (knex closes it on destroy).
        const close = conn.close.bind(conn);
        conn.close = () => {
          reader.conn?.close();
          reader.conn = null;
          reader.dataVersion = null;
          reader.statements.clear();
          forgetRows(reader);
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

const MIGRATIONS = { directory: MIGRATIONS_DIR, loadExtensions: ['.ts'] };
// pg_advisory_xact_lock's key for "migrating Cuota's schema" (any fixed 64-bit number).
const MIGRATION_LOCK_KEY = 4_211_202_611;
const MIGRATION_WAIT_MS = 120_000;

/**
 * Runs every pending migration in migrations/, once however many processes start
 * together. On PostgreSQL the whole run holds a transaction-scoped advisory lock:
 * a second process waits for the first, then finds nothing pending (knex's own
 * lock row only makes the loser fail with "Migration table is already locked",
 * and two processes creating knex's tables at once collide). On SQLite, where a
 * file is shared by processes on one machine only, knex's own tables and lock
 * row are made first, atomically (ensureMigrationTables), and a process that
 * finds knex's lock taken waits and tries again.
 */
export async function migrate(db: Db): Promise<void> {
  if (db.client.config.client === 'pg') {
    await db.transaction(async (trx) => {
      await trx.raw('select pg_advisory_xact_lock(?)', [MIGRATION_LOCK_KEY]);
      // On the pool, not in this transaction: knex's migrator reads them from its own connections.
      await ensureMigrationTables(db);
      await db.migrate.latest(MIGRATIONS);
    });
    return;
  }
  const started = Date.now();
  for (;;) {
    try {
      await ensureMigrationTables(db);
      await db.migrate.latest(MIGRATIONS);
      return;
    } catch (err) {
      // Another process holds knex's lock, or SQLite's write lock past busy_timeout while it migrates.
      const waiting = (err as Error).name === 'MigrationLocked' || /^SQLITE_BUSY/.test(String((err as { code?: unknown }).code));
      if (!waiting || Date.now() - started > MIGRATION_WAIT_MS) throw err;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

/**
 * knex's own two tables and the one row of its lock, made before its migrator
 * looks for them. knex asks whether each exists and then creates it, and adds
 * the lock row if it finds none, outside any lock: processes starting together
 * on an empty SQLite file raced there. One failed with "table knex_migrations
 * already exists", or two lock rows were added, after which knex's lock (it
 * wants exactly one row updated) could never be taken and no process could
 * start again. Each statement here is atomic and changes nothing when its work
 * is done; a SQLite write statement takes the write lock before it reads, so
 * the lock row is added once (on PostgreSQL they run under the advisory lock).
 * A second row left by the old race is removed: with two rows nobody can hold
 * the lock, so none is held. A database already in order is only read, so a
 * process starting beside one that is migrating waits in migrate's retry loop
 * instead of failing on SQLite's write lock (found in review).
 */
async function ensureMigrationTables(db: Db): Promise<void> {
  // Reads first: a current database needs no write (a write would wait for a process migrating).
  const inOrder =
    (await db.schema.hasTable('knex_migrations')) &&
    (await db.schema.hasTable('knex_migrations_lock')) &&
    Number((await db('knex_migrations_lock').count({ n: '*' }))[0]!.n) === 1;
  if (inOrder) return;
  // The columns knex itself would make on each database.
  const [id, time] = db.client.config.client === 'pg' ? ['serial primary key', 'timestamptz'] : ['integer not null primary key autoincrement', 'datetime'];
  await db.raw(`create table if not exists "knex_migrations" ("id" ${id}, "name" varchar(255), "batch" integer, "migration_time" ${time})`);
  await db.raw(`create table if not exists "knex_migrations_lock" ("index" ${id}, "is_locked" integer)`);
  await db.raw('insert into "knex_migrations_lock" ("is_locked") select 0 where not exists (select 1 from "knex_migrations_lock")');
  await db.raw('delete from "knex_migrations_lock" where "index" > (select min("index") from "knex_migrations_lock")');
}

/** Migrations in migrations/ not yet applied to this database (empty: the schema is current). */
export async function pendingMigrations(db: Db): Promise<string[]> {
  const [, pending] = (await db.migrate.list(MIGRATIONS)) as [unknown[], Array<{ file: string } | string>];
  return pending.map((m) => (typeof m === 'string' ? m : m.file));
}

/** Connections of the pool in use, idle, and requests waiting for one. */
export function poolUse(db: Db): { used: number; free: number; pending: number; max: number } {
  const pool = (db.client as { pool?: { numUsed(): number; numFree(): number; numPendingAcquires(): number; max: number } }).pool;
  if (!pool) return { used: 0, free: 0, pending: 0, max: 0 };
  return { used: pool.numUsed(), free: pool.numFree(), pending: pool.numPendingAcquires(), max: pool.max };
}

const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', '57P01', '57P02', '57P03', '53300', 'SQLITE_BUSY']);

/**
 * True when an error says the database is away or overloaded for now (PostgreSQL
 * restarting, the pool's wait over, a connection cut): answered 503 with
 * Retry-After, never 500. The pool drops the broken connection and the next
 * request connects again.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  const e = err as { code?: unknown; name?: unknown; message?: unknown } | undefined;
  if (!e || typeof e !== 'object') return false;
  const code = typeof e.code === 'string' ? e.code : '';
  if (UNAVAILABLE_CODES.has(code) || code.startsWith('08')) return true;
  if (e.name === 'KnexTimeoutError') return true;
  const message = typeof e.message === 'string' ? e.message : '';
  return /Connection terminated|Connection ended unexpectedly|connection error and is not queryable|Timeout acquiring a connection|the database system is (starting up|shutting down)/.test(message);
}
