import test from 'ava';
import { Client } from '../helpers/client.ts';
import { makeBorrower, makeStaff } from '../helpers/factories.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

// Behind one trusted proxy (TRUST_PROXY, TRUSTED_PROXY_HOPS=1) the proxy appends the
// client's address to X-Forwarded-For, so each test picks its own addresses.
let server: TestServer;
test.before(async () => {
  server = await startServer({ TRUST_PROXY: 'true', LOGIN_MAX_PER_ACCOUNT: '12' });
});
test.after.always(() => server?.close());

const from = (address: string) => ({ 'X-Forwarded-For': address });

/** Signs in as the app does; `status` is the envelope's (JSON answers are HTTP 200). */
async function signIn(c: Client, phone: string, password: string, address: string) {
  const res = await c.postApp('/Index/ajaxSignIn', { username: phone, password }, from(address));
  return { ...res, status: res.json().status as number };
}

function tally(statuses: number[]) {
  return statuses.reduce<Record<number, number>>((acc, s) => ({ ...acc, [s]: (acc[s] ?? 0) + 1 }), {});
}

test('a parallel burst of 200 guesses for one phone is limited exactly as configured', async (t) => {
  const b = await makeBorrower(server.db);
  const c = new Client(server.url);
  const statuses = await Promise.all(
    Array.from({ length: 200 }, (_, i) => signIn(c, b.phone, `guess-${i}`, '198.51.100.1').then((r) => r.status)),
  );
  t.deepEqual(tally(statuses), { 401: 5, 429: 195 });
  const rows = await server.db('login_failures').where({ phone: b.phone });
  t.is(rows.length, 5, 'refused tries are not recorded: they do not extend the lock');
});

test('a burst holding the right password checks no more than five passwords', async (t) => {
  const b = await makeBorrower(server.db);
  const c = new Client(server.url);
  const passwords = Array.from({ length: 40 }, (_, i) => (i === 20 ? b.password : `guess-${i}`));
  const statuses = await Promise.all(passwords.map((p) => signIn(c, b.phone, p, '198.51.100.2').then((r) => r.status)));
  const checked = statuses.filter((s) => s === 200 || s === 401).length;
  t.is(checked, 5);
  t.is(statuses.filter((s) => s === 429).length, 35);
});

test('two apps on one database share one exact count under a burst', async (t) => {
  const b = await makeBorrower(server.db);
  const second = await startServer({ TRUST_PROXY: 'true', LOGIN_MAX_PER_ACCOUNT: '12' }, { shareDatabaseWith: server });
  t.teardown(() => second.close());
  second.clock.set(server.clock.now());
  const one = new Client(server.url);
  const two = new Client(second.url);
  const statuses = await Promise.all(
    Array.from({ length: 60 }, (_, i) => signIn(i % 2 ? one : two, b.phone, `guess-${i}`, '198.51.100.3').then((r) => r.status)),
  );
  t.deepEqual(tally(statuses), { 401: 5, 429: 55 });
});

test('a forged X-Forwarded-For changes nothing: only the proxy-added entry is believed', async (t) => {
  const c = new Client(server.url);
  for (let i = 0; i < 20; i++) {
    t.is((await signIn(c, `5560${String(100000 + i)}`, 'x', '198.51.100.4')).status, 401);
  }
  const b = await makeBorrower(server.db);
  // The client sends its own X-Forwarded-For; the proxy appends the real address.
  const forged = await c.postApp('/Index/ajaxSignIn', { username: b.phone, password: b.password }, from('10.0.0.51, 198.51.100.4'));
  t.is(forged.json().status, 429);
  const logged = server.logs.filter((l) => l.route === '/Index/ajaxSignIn').map((l) => l.ip);
  t.true(logged.includes('198.51.100.4'));
  t.false(logged.includes('10.0.0.51'), 'the log names the real address');
});

test('with two proxy hops the second entry from the right is the client', async (t) => {
  const two = await startServer({ TRUST_PROXY: 'true', TRUSTED_PROXY_HOPS: '2' });
  t.teardown(() => two.close());
  const b = await makeBorrower(two.db);
  const c = new Client(two.url);
  await c.postApp('/Index/ajaxSignIn', { username: b.phone, password: 'wrong' }, from('10.0.0.51, 203.0.113.9, 10.1.1.1'));
  const row = await two.db('login_failures').where({ phone: b.phone }).first();
  t.is(row.address, '203.0.113.9');
});

test('a stranger cannot lock the owner out from elsewhere, until the global cap', async (t) => {
  const b = await makeBorrower(server.db);
  const stranger = new Client(server.url);
  for (let i = 0; i < 5; i++) t.is((await signIn(stranger, b.phone, `bad-${i}`, '192.0.2.10')).status, 401);
  t.is((await signIn(stranger, b.phone, b.password, '192.0.2.10')).status, 429, 'locked for the guesser');
  const owner = new Client(server.url);
  t.is((await signIn(owner, b.phone, b.password, '192.0.2.99')).status, 200, 'the owner still gets in');
  // Guessing from more addresses raises the cost: 12 failures from anywhere lock the phone everywhere.
  for (let i = 0; i < 5; i++) await signIn(stranger, b.phone, `bad-${i}`, '192.0.2.11');
  for (let i = 0; i < 2; i++) await signIn(stranger, b.phone, `bad-${i}`, '192.0.2.12');
  const capped = await signIn(new Client(server.url), b.phone, b.password, '192.0.2.98');
  t.is(capped.status, 429);
  t.truthy(capped.headers.get('retry-after'));
});

test('staff sign-in has its own per-address counter', async (t) => {
  const c = new Client(server.url);
  for (let i = 0; i < 20; i++) await signIn(c, `5561${String(100000 + i)}`, 'x', '192.0.2.50');
  t.is((await signIn(c, (await makeBorrower(server.db)).phone, 'secret-123', '192.0.2.50')).status, 429);
  const staff = await makeStaff(server.db);
  const console = new Client(server.url);
  const token = await console.csrf('/support/login');
  const res = await console.postForm('/support/login', { _csrf: token, email: staff.email, password: staff.password }, from('192.0.2.50'));
  t.is(res.status, 303);
});
