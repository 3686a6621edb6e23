import test from 'ava';
import { Client } from '../helpers/client.ts';
import { makeBorrower } from '../helpers/factories.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;
test.before(async () => {
  server = await startServer();
});
test.after.always(() => server?.close());

// Each test uses its own address (X-Forwarded-For behind TRUST_PROXY would be
// another way); here the address is always 127.0.0.1, so these run serially.

test.serial('a wrong password and an unknown phone get identical answers', async (t) => {
  const b = await makeBorrower(server.db);
  const app = new Client(server.url);
  const wrong = await app.postApp('/Index/ajaxSignIn', { username: b.phone, password: 'not-it' });
  const unknown = await app.postApp('/Index/ajaxSignIn', { username: '5500000001', password: 'not-it' });
  t.is(wrong.json().status, 401);
  t.is(unknown.status, wrong.status);
  t.is(unknown.text, wrong.text);
  t.deepEqual(wrong.json(), { status: 401, message: 'Incorrect phone number or password.', data: '' });
  const page = new Client(server.url);
  const token = await page.csrf();
  const a = await page.postForm('/Index/ajaxSignIn', { _csrf: token, username: b.phone, password: 'x' });
  const c = await page.postForm('/Index/ajaxSignIn', { _csrf: token, username: '5500000001', password: 'x' });
  t.is(a.status, c.status);
  // The CSRF token is masked afresh in every page (BREACH), so it differs by design.
  const same = (html: string, phone: string) => html.replace(phone, 'PHONE').replace(/(name="_csrf" value=|name="csrf-token" content=)"[^"]*"/g, '$1"TOKEN"');
  t.is(same(a.text, b.phone), same(c.text, '5500000001'));
});

test.serial('five failures lock a phone with 429 and Retry-After until the window passes', async (t) => {
  const b = await makeBorrower(server.db);
  const app = new Client(server.url);
  for (let i = 0; i < 5; i++) {
    t.is((await app.postApp('/Index/ajaxSignIn', { username: b.phone, password: `bad-${i}` })).json().status, 401);
  }
  server.clock.advance(60_000);
  const locked = await app.postApp('/Index/ajaxSignIn', { username: b.phone, password: b.password });
  t.is(locked.json().status, 429);
  t.is(locked.headers.get('retry-after'), String(14 * 60));
  t.deepEqual(locked.json(), {
    status: 429,
    message: 'Too many failed attempts. Please try again in 14 minutes.',
    data: '',
  });
  // The lock is per phone: another borrower from the same address still signs in.
  const other = await makeBorrower(server.db);
  t.is((await app.postApp('/Index/ajaxSignIn', { username: other.phone, password: other.password })).status, 200);
  // The page says the same in Spanish, with the form kept.
  const page = new Client(server.url);
  const token = await page.csrf('/Index/login?lang=es');
  const html = await page.postForm('/Index/ajaxSignIn', { _csrf: token, username: b.phone, password: b.password });
  t.is(html.status, 429);
  t.regex(html.text, /Demasiados intentos fallidos/);
  t.truthy(html.headers.get('retry-after'));

  server.clock.advance(14 * 60_000);
  t.is((await app.postApp('/Index/ajaxSignIn', { username: b.phone, password: b.password })).status, 200);
});

test.serial('the lock is shared by every app serving the same database', async (t) => {
  const b = await makeBorrower(server.db);
  const second = await startServer({}, { shareDatabaseWith: server });
  t.teardown(() => second.close());
  second.clock.set(server.clock.now());
  const app = new Client(server.url);
  for (let i = 0; i < 5; i++) await app.postApp('/Index/ajaxSignIn', { username: b.phone, password: 'bad' });
  const elsewhere = new Client(second.url);
  t.is((await elsewhere.postApp('/Index/ajaxSignIn', { username: b.phone, password: b.password })).json().status, 429);
  server.clock.advance(15 * 60_000 + 1000);
});

test.serial('twenty failures from one address lock that address', async (t) => {
  server.clock.advance(60 * 60_000); // a clean window
  const app = new Client(server.url);
  for (let i = 0; i < 20; i++) {
    const res = await app.postApp('/Index/ajaxSignIn', { username: `550000${String(1000 + i)}`, password: 'x' });
    t.is(res.json().status, 401);
  }
  const b = await makeBorrower(server.db);
  const locked = await app.postApp('/Index/ajaxSignIn', { username: b.phone, password: b.password });
  t.is(locked.json().status, 429);
  t.is(locked.headers.get('retry-after'), String(15 * 60));
  server.clock.advance(15 * 60_000 + 1000);
  t.is((await app.postApp('/Index/ajaxSignIn', { username: b.phone, password: b.password })).status, 200);
});

test.serial('a 1 MB password gets 413 quickly and counts as nothing', async (t) => {
  const b = await makeBorrower(server.db);
  const app = new Client(server.url);
  const started = Date.now();
  const res = await app.postApp('/Index/ajaxSignIn', { username: b.phone, password: 'x'.repeat(1024 * 1024) });
  t.is(res.json().status, 413);
  t.deepEqual(res.json(), { status: 413, message: 'What you sent is too large.', data: '' });
  t.true(Date.now() - started < 2000, 'refused before any hashing');
  const failures = await server.db('login_failures').where({ phone: b.phone }).count({ n: '*' });
  t.is(Number(failures[0]!.n), 0);
});

test.serial('a password over 128 characters is refused with 422 before hashing', async (t) => {
  const app = new Client(server.url);
  const res = await app.postApp('/Index/ajaxSignIn', { username: '5512345678', password: 'p'.repeat(129) });
  t.is(res.json().status, 422);
  t.is(res.json().message, 'That password is too long.');
});

test.serial('<script> in the phone field is shown escaped', async (t) => {
  const browser = new Client(server.url);
  const token = await browser.csrf();
  const res = await browser.postForm('/Index/ajaxSignIn', {
    _csrf: token,
    username: '<script>alert(1)</script>',
    password: 'x',
  });
  t.is(res.status, 401);
  t.false(res.text.includes('<script>alert(1)</script>'));
  t.true(res.text.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
});
