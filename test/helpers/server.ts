import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import crypto from 'node:crypto';
import knexFactory from 'knex';
import pino from 'pino';
import { createApp } from '../../src/app.ts';
import { MovableClock } from '../../src/clock.ts';
import { type Config, loadConfig } from '../../src/config.ts';
import { type Db, migrate, openDatabase } from '../../src/data/db.ts';
import { createI18n } from '../../src/i18n.ts';
import type { Lifecycle } from '../../src/http/operations.ts';

/** Where the suite runs: a fresh SQLite file by default, a fresh PostgreSQL database with TEST_DATABASE_URL. */
export const PG_ADMIN_URL = process.env.TEST_DATABASE_URL;

export interface TestServer {
  url: string;
  db: Db;
  clock: MovableClock;
  config: Readonly<Config>;
  /** Every log line the app wrote, parsed. */
  logs: Array<Record<string, unknown>>;
  /** What main.ts sets on SIGTERM (/readyz answers 503 while stopping). */
  lifecycle: Lifecycle;
  close(): Promise<void>;
}

/** A fresh, migrated database; `drop` removes it. */
export async function freshDatabase(): Promise<{ url: string; db: Db; drop(): Promise<void> }> {
  if (PG_ADMIN_URL) {
    const database = await emptyDatabase();
    await migrate(database.db);
    return database;
  }
  // SQLite: a copy of this test file's migrated template (issue 22). Running the
  // migrations costs a third of a second per database; copying the file, a millisecond.
  const file = sqliteFile();
  for (const [suffix, bytes] of await migratedTemplate()) fs.writeFileSync(file.filename + suffix, bytes);
  return sqliteDatabase(file);
}

/** An open SQLite database in its own temp directory; `drop` closes it and removes the directory. */
function sqliteDatabase({ dir, filename }: { dir: string; filename: string }): { url: string; db: Db; drop(): Promise<void> } {
  const db = openDatabase({ client: 'better-sqlite3', filename });
  return {
    url: filename,
    db,
    async drop() {
      await db.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

function sqliteFile(): { dir: string; filename: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cuota-test-'));
  return { dir, filename: path.join(dir, 'test.sqlite') };
}

let template: Promise<Array<[string, Buffer]>> | undefined;
/**
 * The SQLite files (the database and any -wal, by suffix) of a database migrated by
 * src/data/db.ts's own migrate(), once per test process; every fresh database starts as
 * a byte-for-byte copy of it, so no test sees anything a migration run would not give it.
 */
function migratedTemplate(): Promise<Array<[string, Buffer]>> {
  template ??= (async () => {
    const { dir, filename } = sqliteFile();
    try {
      const db = openDatabase({ client: 'better-sqlite3', filename });
      await migrate(db);
      await db.destroy();
      const base = path.basename(filename);
      return fs
        .readdirSync(dir)
        .filter((f) => f.startsWith(base) && !f.endsWith('-shm'))
        .map((f) => [f.slice(base.length), fs.readFileSync(path.join(dir, f))] as [string, Buffer]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  })();
  return template;
}

/** A fresh database with no tables yet (PostgreSQL when TEST_DATABASE_URL is set, else a SQLite file); `drop` removes it. */
export async function emptyDatabase(): Promise<{ url: string; db: Db; drop(): Promise<void> }> {
  if (PG_ADMIN_URL) {
    const name = `cuota_test_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
    const admin = knexFactory({ client: 'pg', connection: PG_ADMIN_URL });
    await admin.raw(`create database ${name}`);
    const url = new URL(PG_ADMIN_URL);
    url.pathname = `/${name}`;
    const db = openDatabase({ client: 'pg', url: url.toString() });
    return {
      url: url.toString(),
      db,
      async drop() {
        await db.destroy();
        await admin.raw(`drop database if exists ${name} with (force)`);
        await admin.destroy();
      },
    };
  }
  return sqliteDatabase(sqliteFile());
}

/**
 * Starts the real app on 127.0.0.1, port 0, over a fresh database, with a
 * clock that stands still until the test moves it. `shareDatabaseWith` starts
 * a second app process-alike on another server's database.
 */
export async function startServer(
  env: Record<string, string> = {},
  options: { shareDatabaseWith?: TestServer } = {},
): Promise<TestServer> {
  const shared = options.shareDatabaseWith;
  const database = shared
    ? { url: shared.config.database.client === 'pg' ? shared.config.database.url : shared.config.database.filename, db: shared.db, drop: async () => {} }
    : await freshDatabase();
  // Each server gets its own upload directory, removed with it (unless the test gives one).
  const uploads = env.UPLOAD_DIR ? undefined : fs.mkdtempSync(path.join(os.tmpdir(), 'cuota-test-uploads-'));
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: database.url, ...(uploads ? { UPLOAD_DIR: uploads } : {}), ...env });
  const logs: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) logs.push(JSON.parse(line));
      done();
    },
  });
  const logger = pino({ level: 'info', base: undefined }, sink);
  const clock = new MovableClock(new Date('2026-03-02T16:00:00Z'));
  const i18n = await createI18n(config.defaultLanguage, config.market);
  const lifecycle: Lifecycle = { stopping: false };
  const app = createApp({ config, db: database.db, clock, i18n, logger, lifecycle });
  const server = app.listen(0, '127.0.0.1');
  // As src/main.ts: idle keep-alive sockets outlive the client's, so fetch never reuses one
  // the server is closing (with Node's 5 s default, a slow step between two requests on a
  // loaded machine ends in ECONNRESET, seen on Node 24).
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    db: database.db,
    clock,
    config,
    logs,
    lifecycle,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await database.drop();
      if (uploads) fs.rmSync(uploads, { recursive: true, force: true });
    },
  };
}

/** The app started for a market (MARKET=mx|in|ng), with the market's own defaults (currency, languages, zone, regulator). */
export function startMarketServer(market: 'mx' | 'in' | 'ng', env: Record<string, string> = {}): Promise<TestServer> {
  return startServer({ MARKET: market, ...env });
}
