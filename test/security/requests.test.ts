import test from 'ava';
import { Client } from '../helpers/client.ts';
import { makeBorrower } from '../helpers/factories.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;
test.before(async () => {
  server = await startServer();
});
test.after.always(() => server?.close());

const sessionsOf = async (borrowerId: number) => (await server.db('sessions').where({ borrower_id: borrowerId })).length;

test('a form POST without a CSRF token gets 403 and changes nothing', async (t) => {
  const b = await makeBorrower(server.db);
  const browser = new Client(server.url);
  await browser.csrf();
  const res = await browser.postForm('/Index/ajaxSignIn', { username: b.phone, password: b.password });
  t.is(res.status, 403);
  t.regex(res.text, /This form has expired/);
  t.is(await sessionsOf(b.id), 0);
  t.is((await browser.getJson('/Repay/orders')).json().status, -100);
  // Asking for JSON does not skip the check for a browser: its script's request from another site is refused by origin.
  const json = await browser.postForm('/Index/ajaxSignIn', { username: b.phone, password: b.password }, { Accept: 'application/json', 'Sec-Fetch-Site': 'cross-site' });
  t.deepEqual(json.json(), {
    status: 403,
    message: 'This request came from another website, so it was refused. Open the portal directly and try again.',
    data: '',
  });
});

test("another session's token gets 403", async (t) => {
  const b = await makeBorrower(server.db);
  const mallory = new Client(server.url);
  const stolen = await mallory.csrf();
  const victim = new Client(server.url);
  await victim.csrf();
  const res = await victim.postForm('/Index/ajaxSignIn', { _csrf: stolen, username: b.phone, password: b.password });
  t.is(res.status, 403);
  t.is((await victim.getJson('/Repay/orders')).json().status, -100);
});

test('the token is also accepted from the X-CSRF-Token header', async (t) => {
  const b = await makeBorrower(server.db);
  const browser = new Client(server.url);
  const token = await browser.csrf();
  const res = await browser.postForm('/Index/ajaxSignIn', { username: b.phone, password: b.password }, {
    'X-CSRF-Token': token,
  });
  t.is(res.status, 303);
});

test('a request from another origin gets 403 in the envelope even with X-Requested-With', async (t) => {
  const b = await makeBorrower(server.db);
  const app = new Client(server.url);
  const evil = await app.postApp('/Index/ajaxSignIn', { username: b.phone, password: b.password }, {
    Origin: 'https://evil.example',
  });
  t.is(evil.status, 200);
  t.is(evil.json().status, 403);
  t.is(await sessionsOf(b.id), 0);
  const same = await app.postApp('/Index/ajaxSignIn', { username: b.phone, password: b.password }, {
    Origin: server.url,
  });
  t.is(same.json().status, 200);
});

test('a browser GET ajaxLogOut without a token is refused and the session stays', async (t) => {
  const b = await makeBorrower(server.db);
  const browser = new Client(server.url);
  await browser.signIn(b.phone, b.password);
  const res = await browser.get('/Index/ajaxLogOut');
  t.is(res.status, 403);
  t.is((await browser.getJson('/Repay/orders')).json().status, 200);
  const token = await browser.csrf('/Repay/index.shtml');
  const ok = await browser.get(`/Index/ajaxLogOut?_csrf=${encodeURIComponent(token)}`);
  t.is(ok.status, 303);
  t.is((await browser.getJson('/Repay/orders')).json().status, -100);
});

test('pages carry the security headers; signed-in pages are not cached', async (t) => {
  const b = await makeBorrower(server.db);
  const browser = new Client(server.url);
  const login = await browser.get('/Index/login');
  const csp = login.headers.get('content-security-policy')!;
  t.regex(csp, /default-src 'self'/);
  t.regex(csp, /script-src 'self'(;|$)/);
  t.notRegex(csp, /unsafe-inline/);
  t.regex(csp, /frame-ancestors 'self'/);
  t.is(login.headers.get('x-content-type-options'), 'nosniff');
  t.is(login.headers.get('referrer-policy'), 'same-origin');
  t.notRegex(login.text, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script');
  t.notRegex(login.text, /\son[a-z]+="/, 'no inline event handlers');
  t.notRegex(login.text, /style="/, 'no inline styles');
  await browser.signIn(b.phone, b.password);
  const home = await browser.get('/Repay/index.shtml');
  t.is(home.headers.get('cache-control'), 'no-store');
  t.is((await browser.getJson('/Repay/orders')).headers.get('cache-control'), 'no-store');
});

test('the stylesheet is served from this origin', async (t) => {
  const res = await new Client(server.url).get('/css/app.css');
  t.is(res.status, 200);
  t.regex(res.headers.get('content-type')!, /text\/css/);
  t.is(res.headers.get('x-content-type-options'), 'nosniff');
});

test('one log line per request, without passwords, cookies or session ids', async (t) => {
  const b = await makeBorrower(server.db, { password: 'very-secret-pw' });
  const app = new Client(server.url);
  await app.postApp('/Index/ajaxSignIn', { username: b.phone, password: 'very-secret-pw' });
  const res = await app.getJson('/Repay/orders?token=abc123');
  const requestId = res.headers.get('x-request-id')!;
  const lines = server.logs.filter((l) => l.requestId === requestId);
  t.is(lines.length, 1);
  t.like(lines[0], { method: 'GET', route: '/Repay/orders', status: 200, borrower: b.id });
  const everything = JSON.stringify(server.logs);
  t.false(everything.includes('very-secret-pw'));
  t.false(everything.includes('abc123'));
  for (const value of app.cookies.values()) t.false(everything.includes(value));
});

test('an unexpected failure answers a plain 500 with a request id, and logs the error with it', async (t) => {
  const broken = await startServer();
  t.teardown(() => broken.close());
  await broken.db.schema.dropTable('login_failures');
  const app = new Client(broken.url);
  const json = await app.postApp('/Index/ajaxSignIn', { username: '5511112222', password: 'whatever' });
  t.is(json.status, 500);
  t.deepEqual(json.json(), {
    status: 500,
    message: 'Something went wrong on our side. Please try again in a moment.',
    data: '',
  });
  t.notRegex(json.text, /login_failures|sqlite|stack/i);
  const page = new Client(broken.url);
  const token = await page.csrf('/Index/login?lang=es');
  const html = await page.postForm('/Index/ajaxSignIn', { _csrf: token, username: '5511112222', password: 'x' });
  t.is(html.status, 500);
  const requestId = html.headers.get('x-request-id')!;
  t.true(html.text.includes(requestId), 'the page shows the request id for support');
  t.regex(html.text, /Algo salió mal/);
  t.notRegex(html.text, /login_failures|sqlite|at .*\.ts/i);
  const logged = broken.logs.find((l) => l.requestId === requestId && l.msg === 'unhandled error');
  t.truthy(logged);
  t.regex(JSON.stringify(logged), /login_failures/);
});

test('a known path asked with another method answers 405 in the envelope, in the borrower\'s language', async (t) => {
  const c = new Client(server.url);
  const json = await c.appRequest('GET', '/Repay/payData');
  t.is(json.status, 200);
  t.deepEqual(json.json(), { status: 405, message: 'This page does not take that kind of request.', data: '' });
  const page = await c.get('/Repay/payData?lang=es');
  t.is(page.status, 405);
  t.regex(page.text, /Esta página no acepta ese tipo de solicitud/);
});
