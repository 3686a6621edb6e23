import crypto from 'node:crypto';
import test from 'ava';
import { randomToken } from '../../src/http/tokens.ts';
import { SESSION_COOKIE } from '../../src/http/middleware/session.ts';
import { pruneExpired } from '../../src/services/housekeeping.ts';
import { Client } from '../helpers/client.ts';
import { makeBorrower } from '../helpers/factories.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;
test.before(async () => {
  server = await startServer();
});
test.after.always(() => server?.close());

const MINUTE = 60_000;

test.serial('the session id changes at sign-in and the old cookie grants nothing', async (t) => {
  const b = await makeBorrower(server.db);
  const browser = new Client(server.url);
  await browser.csrf(); // a visitor session with a CSRF token
  const before = new Map(browser.cookies);
  t.truthy(before.get(SESSION_COOKIE));
  await browser.signIn(b.phone, b.password);
  t.not(browser.cookies.get(SESSION_COOKIE), before.get(SESSION_COOKIE));
  // 256 random bits, base64url.
  t.regex(browser.cookies.get(SESSION_COOKIE)!, /^[A-Za-z0-9_-]{43}$/);
  const old = new Client(server.url);
  for (const [k, v] of before) old.cookies.set(k, v);
  t.is((await old.getJson('/Repay/orders')).json().status, -100);
  t.is((await browser.getJson('/Repay/orders')).status, 200);
});

test.serial('the cookie is HttpOnly, SameSite=Lax, and only an opaque 256-bit id whose hash alone is stored', async (t) => {
  const b = await makeBorrower(server.db);
  const app = new Client(server.url);
  const res = await app.request('POST', '/Index/ajaxSignIn', {
    body: new URLSearchParams({ username: b.phone, password: b.password }).toString(),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Requested-With': 'XMLHttpRequest' },
  });
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`))!;
  t.regex(cookie, /httponly/i);
  t.regex(cookie, /samesite=lax/i);
  t.notRegex(cookie, /secure/i);
  // The id is unguessable on its own, so it is not signed (see session.ts).
  const id = app.cookies.get(SESSION_COOKIE)!;
  t.regex(id, /^[A-Za-z0-9_-]{43}$/);
  // The table keeps only a hash of the id.
  t.is(await server.db('sessions').where({ id }).first(), undefined);
  t.truthy(await server.db('sessions').where({ id: crypto.createHash('sha256').update(id).digest('hex') }).first());
  t.truthy(await server.db('sessions').where({ borrower_id: b.id }).first());
});

test.serial('a logged-out cookie replayed gets 401', async (t) => {
  const b = await makeBorrower(server.db);
  const app = new Client(server.url);
  await app.postApp('/Index/ajaxSignIn', { username: b.phone, password: b.password });
  const saved = new Map(app.cookies);
  t.is((await app.postApp('/Index/ajaxLogOut', {})).status, 200);
  const replay = new Client(server.url);
  for (const [k, v] of saved) replay.cookies.set(k, v);
  t.is((await replay.getJson('/Repay/orders')).json().status, -100);
  t.is(await server.db('sessions').where({ borrower_id: b.id }).first(), undefined);
});

test.serial('a tampered cookie makes a visitor, not an error', async (t) => {
  const b = await makeBorrower(server.db);
  const app = new Client(server.url);
  await app.postApp('/Index/ajaxSignIn', { username: b.phone, password: b.password });
  const sid = app.cookies.get(SESSION_COOKIE)!;
  const tampered = new Client(server.url);
  tampered.cookies.set(SESSION_COOKIE, sid.slice(0, -1) + (sid.endsWith('A') ? 'B' : 'A'));
  tampered.cookies.set(`${SESSION_COOKIE}.sig`, app.cookies.get(`${SESSION_COOKIE}.sig`)!);
  const res = await tampered.getJson('/Repay/loans');
  t.is(res.status, 200);
  t.is(res.json().data.status, -100);
  const garbage = new Client(server.url);
  garbage.cookies.set(SESSION_COOKIE, '%%%not-a-cookie%%%');
  t.is((await garbage.getJson('/Repay/loans')).json().data.status, -100);
  t.is((await garbage.get('/Repay/index.shtml')).status, 200);
});

test.serial('an idle session ends after 30 minutes, on the server', async (t) => {
  const b = await makeBorrower(server.db);
  const app = new Client(server.url);
  await app.postApp('/Index/ajaxSignIn', { username: b.phone, password: b.password });
  server.clock.advance(29 * MINUTE);
  t.is((await app.getJson('/Repay/orders')).status, 200, 'still active after 29 idle minutes');
  server.clock.advance(29 * MINUTE);
  t.is((await app.getJson('/Repay/orders')).status, 200, 'the last request reset the idle timer');
  server.clock.advance(30 * MINUTE + 1000);
  t.is((await app.getJson('/Repay/orders')).json().status, -100);
});

test.serial('an active session still ends 12 hours after sign-in', async (t) => {
  const b = await makeBorrower(server.db);
  const app = new Client(server.url);
  await app.postApp('/Index/ajaxSignIn', { username: b.phone, password: b.password });
  for (let elapsed = 0; elapsed < 12 * 60 - 20; elapsed += 20) {
    server.clock.advance(20 * MINUTE);
    if ((await app.getJson('/Repay/orders')).status !== 200) return t.fail(`ended early at ${elapsed + 20} minutes`);
  }
  server.clock.advance(25 * MINUTE);
  t.is((await app.getJson('/Repay/orders')).json().status, -100);
});

test.serial('housekeeping deletes expired sessions and old login failures', async (t) => {
  const b = await makeBorrower(server.db);
  const app = new Client(server.url);
  await app.postApp('/Index/ajaxSignIn', { username: b.phone, password: 'wrong' });
  await app.postApp('/Index/ajaxSignIn', { username: b.phone, password: b.password });
  t.truthy(await server.db('sessions').where({ borrower_id: b.id }).first());
  server.clock.advance(31 * MINUTE);
  const pruned = await pruneExpired(server.db, server.clock, server.config);
  t.true(pruned.sessions >= 1);
  t.is(await server.db('sessions').where({ borrower_id: b.id }).first(), undefined);
  const left = await server.db('sessions').where('expires_at', '<=', server.clock.now().getTime());
  t.is(left.length, 0);
});

test.serial('behind a TLS proxy the cookie is Secure and HSTS is sent', async (t) => {
  const tls = await startServer({ COOKIE_SECURE: 'true', TRUST_PROXY: 'true' });
  t.teardown(() => tls.close());
  const b = await makeBorrower(tls.db);
  const app = new Client(tls.url);
  const res = await app.postApp('/Index/ajaxSignIn', { username: b.phone, password: b.password }, {
    'X-Forwarded-Proto': 'https',
    'X-Forwarded-For': '203.0.113.7',
  });
  t.is(res.status, 200);
  t.regex(res.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`))!, /;\s*secure/i);
  t.regex(res.headers.get('strict-transport-security')!, /max-age=/);
  t.regex(res.headers.get('content-security-policy')!, /upgrade-insecure-requests/);
  // The client address comes from the proxy, so lockouts count the real borrower's address.
  await app.postApp('/Index/ajaxSignIn', { username: b.phone, password: 'wrong' }, {
    'X-Forwarded-Proto': 'https',
    'X-Forwarded-For': '203.0.113.7',
  });
  t.truthy(await tls.db('login_failures').where({ address: '203.0.113.7' }).first());
});

test('session ids and CSRF tokens are 256-bit, never repeat, and keep coming past a pool refill', (t) => {
  const tokens = Array.from({ length: 1000 }, () => randomToken());
  t.true(tokens.every((x) => /^[A-Za-z0-9_-]{43}$/.test(x)));
  t.is(new Set(tokens).size, tokens.length);
  t.false(tokens.includes('AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'), 'no zeroed slot is handed out');
});
