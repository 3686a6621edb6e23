import test from 'ava';
import { ConfigError, DEFAULT_SESSION_SECRET, loadConfig } from '../src/config.ts';

test('defaults: port 3000, SQLite at data/cuota.sqlite, Mexico City, the DESIGN product', (t) => {
  const c = loadConfig({});
  t.is(c.port, 3000);
  t.is(c.host, '127.0.0.1');
  t.deepEqual(c.database, { client: 'better-sqlite3', filename: 'data/cuota.sqlite' });
  t.is(c.uploadDir, 'data/uploads');
  t.is(c.timeZone, 'America/Mexico_City');
  t.is(c.session.idleMs, 30 * 60_000);
  t.is(c.session.absoluteMs, 12 * 3_600_000);
  t.deepEqual(c.product, { quota: 500_000, terms: [7, 10, 15, 20], defaultTerm: 7, loanRatePpm: 43_000, repayRatePpm: 7_200 });
  t.true(Object.isFrozen(c) && Object.isFrozen(c.product));
});

test('DATABASE_URL takes a path, a sqlite: URL or a postgres URL', (t) => {
  t.deepEqual(loadConfig({ DATABASE_URL: 'sqlite:/var/lib/cuota.db' }).database, {
    client: 'better-sqlite3',
    filename: '/var/lib/cuota.db',
  });
  t.deepEqual(loadConfig({ DATABASE_URL: 'sqlite:///var/lib/cuota.db' }).database, {
    client: 'better-sqlite3',
    filename: '/var/lib/cuota.db',
  });
  t.deepEqual(loadConfig({ DATABASE_URL: 'postgres://u:p@db/cuota' }).database, {
    client: 'pg',
    url: 'postgres://u:p@db/cuota',
  });
});

test('production refuses the default session secret', (t) => {
  const err = t.throws(() => loadConfig({ NODE_ENV: 'production' }), { instanceOf: ConfigError });
  t.regex(err!.message, /SESSION_SECRET/);
  t.throws(() => loadConfig({ NODE_ENV: 'production', SESSION_SECRET: DEFAULT_SESSION_SECRET }));
  t.is(loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'a'.repeat(32) }).env, 'production');
});

test('bad values fail fast, naming the variable', (t) => {
  const cases: Record<string, string> = {
    PORT: 'eighty',
    TZ: 'Mars/Olympus',
    PRODUCT_QUOTA: '-5',
    LOAN_RATE: 'abc',
    PRODUCT_TERMS: '7,,10',
    COOKIE_SECURE: 'maybe',
    SESSION_SECRET: 'short',
  };
  for (const [name, value] of Object.entries(cases)) {
    const err = t.throws(() => loadConfig({ [name]: value }), { instanceOf: ConfigError }, name);
    t.regex(err!.message, new RegExp(name), name);
  }
  t.throws(() => loadConfig({ PRODUCT_DEFAULT_TERM: '9' }), { message: /PRODUCT_DEFAULT_TERM/ });
});

test('Secure cookies need a trusted TLS proxy', (t) => {
  t.throws(() => loadConfig({ COOKIE_SECURE: 'true' }), { message: /TRUST_PROXY/ });
  t.true(loadConfig({ COOKIE_SECURE: 'true', TRUST_PROXY: 'true' }).session.secureCookie);
});
