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
  t.deepEqual(c.product, {
    quota: 500_000,
    terms: [7, 10, 15, 20],
    defaultTerm: 7,
    minAmount: 100_000,
    amountStep: 10_000,
    loanRatePpm: 43_000,
    repayRatePpm: 7_200,
    overdueRatePpm: 20_000,
    overdueCapPpm: 1_000_000,
  });
  t.deepEqual(c.review, { mode: 'auto', reapplyAfterDays: 7 });
  t.deepEqual(c.quotaGrowth, { step: 100_000, max: 2_000_000 });
  t.is(c.clockAt, undefined);
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
  const prod = { NODE_ENV: 'production', SESSION_SECRET: 'a'.repeat(32), PAYMENT_WEBHOOK_SECRET: 'b'.repeat(32), DATA_KEY: 'p1:' + Buffer.alloc(32, 7).toString('base64'), DATA_HASH_KEY: 'h'.repeat(32), KYC_PROVIDER: 'sandbox' };
  t.throws(() => loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'a'.repeat(32) }), { message: /PAYMENT_WEBHOOK_SECRET/ });
  t.throws(() => loadConfig(prod), { message: /PAYMENT_GATEWAY/ });
  t.is(loadConfig({ ...prod, PAYMENT_GATEWAY: 'sandbox' }).env, 'production');
});

test('bad values fail fast, naming the variable', (t) => {
  const cases: Record<string, string> = {
    PORT: 'eighty',
    BUSINESS_TIME_ZONE: 'Mars/Olympus',
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

test('CLOCK_AT runs the portal at a given moment, never in production', (t) => {
  t.is(loadConfig({ CLOCK_AT: '2026-03-20T12:00:00-06:00' }).clockAt?.toISOString(), '2026-03-20T18:00:00.000Z');
  t.throws(() => loadConfig({ CLOCK_AT: 'next tuesday' }), { message: /CLOCK_AT/ });
  const prod = { NODE_ENV: 'production', SESSION_SECRET: 'z'.repeat(32), PAYMENT_WEBHOOK_SECRET: 'w'.repeat(32), PAYMENT_GATEWAY: 'sandbox', DATA_KEY: 'p1:' + Buffer.alloc(32, 7).toString('base64'), DATA_HASH_KEY: 'h'.repeat(32), KYC_PROVIDER: 'sandbox' };
  t.throws(() => loadConfig({ CLOCK_AT: '2026-03-20T12:00:00Z', ...prod }), {
    message: /CLOCK_AT/,
  });
});

test('product amounts must fit together', (t) => {
  t.throws(() => loadConfig({ PRODUCT_MIN_AMOUNT: '1050', PRODUCT_AMOUNT_STEP: '100' }), { message: /PRODUCT_MIN_AMOUNT/ });
  t.throws(() => loadConfig({ PRODUCT_QUOTA: '500' }), { message: /PRODUCT_QUOTA/ });
  t.throws(() => loadConfig({ REVIEW_MODE: 'sometimes' }), { message: /REVIEW_MODE/ });
});

test('issue 13: the business time zone has its own variable; the host TZ does not move due days', (t) => {
  t.is(loadConfig({}).timeZone, 'America/Mexico_City');
  t.is(loadConfig({ TZ: 'UTC' }).timeZone, 'America/Mexico_City', 'a host exporting TZ=UTC changes nothing');
  t.is(loadConfig({ TZ: 'UTC', BUSINESS_TIME_ZONE: 'America/Bogota' }).timeZone, 'America/Bogota');
});

test('issue 13: start-up refuses a product whose fee can reach the principal', (t) => {
  // 0.043 a day x 30 days = 129 % of the principal: 3000 over 30 days would pay out -870.
  const err = t.throws(() => loadConfig({ PRODUCT_TERMS: '7,10,15,20,30' }), { instanceOf: ConfigError });
  t.regex(err!.message, /LOAN_RATE.*PRODUCT_TERMS 30\b/);
  // Exactly the whole principal is refused too (0.05 x 20 = 100 %); just under is allowed.
  t.throws(() => loadConfig({ LOAN_RATE: '0.05', PRODUCT_TERMS: '7,20', PRODUCT_DEFAULT_TERM: '7' }), { message: /PRODUCT_TERMS 20/ });
  t.deepEqual(loadConfig({ LOAN_RATE: '0.05', PRODUCT_TERMS: '7,19', PRODUCT_DEFAULT_TERM: '7' }).product.terms, [7, 19]);
});

test('Secure cookies need a trusted TLS proxy', (t) => {
  t.throws(() => loadConfig({ COOKIE_SECURE: 'true' }), { message: /TRUST_PROXY/ });
  t.true(loadConfig({ COOKIE_SECURE: 'true', TRUST_PROXY: 'true' }).session.secureCookie);
});

test('MARKET picks the currency, languages, zone and regulator; each can still be set apart; a language outside the market is refused', (t) => {
  const mx = loadConfig({});
  t.like(mx, { market: 'mx', currency: 'MXN', defaultLanguage: 'en', timeZone: 'America/Mexico_City' });
  t.deepEqual([...mx.languages], ['es', 'en']);
  t.is(mx.protection.escalation.authority, 'CONDUSEF');
  const india = loadConfig({ MARKET: 'in' });
  t.like(india, { market: 'in', currency: 'INR', defaultLanguage: 'hi', timeZone: 'Asia/Kolkata' });
  t.deepEqual([...india.languages], ['hi', 'en']);
  t.regex(india.protection.escalation.authority, /RBI Integrated Ombudsman/);
  t.is(india.protection.escalation.url, 'https://cms.rbi.org.in');
  const nigeria = loadConfig({ MARKET: 'ng' });
  t.like(nigeria, { market: 'ng', currency: 'NGN', defaultLanguage: 'en', timeZone: 'Africa/Lagos' });
  t.deepEqual([...nigeria.languages], ['en']);
  t.regex(nigeria.protection.escalation.authority, /FCCPC/);
  t.is(loadConfig({ MARKET: 'in', DEFAULT_LANGUAGE: 'en', CURRENCY: 'USD' }).currency, 'USD');
  t.is(loadConfig({ MARKET: 'in', DEFAULT_LANGUAGE: 'en' }).defaultLanguage, 'en');
  t.throws(() => loadConfig({ MARKET: 'id' }), { instanceOf: ConfigError, message: /MARKET/ });
  t.throws(() => loadConfig({ MARKET: 'ng', DEFAULT_LANGUAGE: 'es' }), { instanceOf: ConfigError, message: /DEFAULT_LANGUAGE: es is not a language of MARKET=ng/ });
  t.throws(() => loadConfig({ DEFAULT_LANGUAGE: 'hi' }), { instanceOf: ConfigError, message: /DEFAULT_LANGUAGE/ });
});

test('PAYOUT_STUCK_MINUTES: 60 by default, a whole number of minutes up to a week, else the start stops naming it', (t) => {
  t.is(loadConfig({}).payouts.stuckMs, 60 * 60_000);
  t.is(loadConfig({ PAYOUT_STUCK_MINUTES: '15' }).payouts.stuckMs, 15 * 60_000);
  for (const bad of ['0', '-5', '1.5', 'soon', String(7 * 24 * 60 + 1)]) {
    t.throws(() => loadConfig({ PAYOUT_STUCK_MINUTES: bad }), { instanceOf: ConfigError, message: /PAYOUT_STUCK_MINUTES/ }, bad);
  }
});

test('contact numbers default to the market\'s, and Hindi has its own configured names', (t) => {
  t.is(loadConfig({}).protection.grievance.phone, '+52 55 5000 4321');
  const india = loadConfig({ MARKET: 'in' });
  t.regex(india.protection.grievance.phone, /^\+91 /);
  t.regex(india.support.phone, /^\+91 /);
  t.regex(india.texts.hi.grievanceName, /[\u0900-\u097F]/);
  t.regex(loadConfig({ MARKET: 'ng' }).support.whatsapp, /^\+234 /);
  t.is(loadConfig({ MARKET: 'in', GRIEVANCE_PHONE: '+91 80 1234 5678' }).protection.grievance.phone, '+91 80 1234 5678');
});

