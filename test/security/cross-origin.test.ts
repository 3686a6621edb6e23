// Cross-site requests are refused by origin (Go 1.25's CrossOriginProtection
// model), not by a custom header; page forms keep their token as a second layer.
import test from 'ava';
import { BROWSER_ACCEPT, Client } from '../helpers/client.ts';
import { makeBorrower } from '../helpers/factories.ts';
import { multipart, twoToneJpeg } from '../helpers/images.ts';
import { signedInApp } from '../helpers/loans.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;
test.before(async () => {
  server = await startServer({ CONTACTS_ENABLED: 'true' });
});
test.after.always(() => server?.close());

const sessionsOf = async (borrowerId: number) => (await server.db('sessions').where({ borrower_id: borrowerId })).length;
const FORM = 'application/x-www-form-urlencoded';

test('a cross-site browser POST is refused (403 in the envelope, or the error page) and changes nothing', async (t) => {
  const b = await makeBorrower(server.db);
  const c = new Client(server.url);
  const body = new URLSearchParams({ username: b.phone, password: b.password }).toString();
  const crossSite: Array<Record<string, string>> = [
    { 'Sec-Fetch-Site': 'cross-site' },
    { 'Sec-Fetch-Site': 'same-site', Origin: 'https://other.cuota.test' },
    { 'Sec-Fetch-Site': 'cross-site', Origin: server.url }, // Fetch Metadata wins over a matching Origin
    { Origin: 'https://evil.example' }, // a browser without Fetch Metadata
    { Origin: 'null' }, // a sandboxed frame or a data: page
  ];
  for (const headers of crossSite) {
    const json = await c.request('POST', '/Index/ajaxSignIn', { body, headers: { 'Content-Type': FORM, ...headers } });
    t.is(json.status, 200, JSON.stringify(headers));
    t.deepEqual(json.json(), { status: 403, message: 'This request came from another website, so it was refused. Open the portal directly and try again.', data: '' });
    const page = await c.request('POST', '/Index/ajaxSignIn', { body, headers: { 'Content-Type': FORM, Accept: BROWSER_ACCEPT, ...headers } });
    t.is(page.status, 403, 'a page keeps its real HTTP code');
  }
  t.is(await sessionsOf(b.id), 0);
});

test('a cross-site POST by a signed-in borrower is refused with the session cookie attached', async (t) => {
  const { borrower, app } = await signedInApp(server);
  const res = await app.request('POST', '/Loan/reLoan', {
    body: 'money=3000&time=10',
    headers: { 'Content-Type': FORM, 'Sec-Fetch-Site': 'cross-site', Origin: 'https://evil.example' },
  });
  t.is(res.json().status, 403);
  t.is((await server.db('loans').where({ borrower_id: borrower.id })).length, 0);
});

test("same-origin requests, typed URLs and the app (neither header) pass without a custom header", async (t) => {
  const b = await makeBorrower(server.db);
  const passing: Array<Record<string, string>> = [{ 'Sec-Fetch-Site': 'same-origin' }, { 'Sec-Fetch-Site': 'none' }, { Origin: server.url }, {}];
  for (const headers of passing) {
    const c = new Client(server.url);
    const res = await c.request('POST', '/Index/ajaxSignIn', {
      body: new URLSearchParams({ username: b.phone, password: b.password }).toString(),
      headers: { 'Content-Type': FORM, ...headers },
    });
    t.deepEqual(res.json(), { status: 200, message: 'login successful', data: '/Repay/index.shtml' }, JSON.stringify(headers));
  }
});

test("the spec's raw ajaxUpload (only the cookie and the content type) is accepted; cross-site, it is refused unread", async (t) => {
  const { borrower, app } = await signedInApp(server);
  const body = multipart('WebAppBoundary', [
    ['Content-Disposition: form-data; name="fileName"', 'file'],
    ['Content-Disposition: form-data; name="file"; filename="a.jpg"', await twoToneJpeg(400, 300)],
  ]);
  const type = 'multipart/form-data; boundary=WebAppBoundary';
  const ok = await app.appRequest('POST', '/Info/ajaxUpload', { type, data: body });
  t.is(ok.status, 200);
  t.is(ok.json().status, 1, ok.text);
  t.regex(ok.json().info, /^\d{8}\/[0-9a-f]{32}\.jpg$/);
  const evil = await app.request('POST', '/Info/ajaxUpload', { body, headers: { 'Content-Type': type, 'Sec-Fetch-Site': 'cross-site' } });
  t.is(evil.status, 200);
  t.is(evil.json().status, 0);
  t.is((await server.db('uploads').where({ borrower_id: borrower.id })).length, 1);
});

test("the spec's raw Contact/ajaxPush is accepted; cross-site, it is refused", async (t) => {
  const { borrower, app } = await signedInApp(server);
  t.is((await app.postRaw('/Contact/consent', {})).json().status, 200);
  const raw = 'contacts[0][name]=zhangsan&contacts[0][phone]=5512345678&contacts[0][relate]=%E7%88%B6%E6%AF%8D';
  const evil = await app.request('POST', '/Contact/ajaxPush', { body: raw, headers: { 'Content-Type': `${FORM}; charset=utf-8`, 'Sec-Fetch-Site': 'cross-site' } });
  t.is(evil.json().status, 403);
  t.is((await server.db('contacts').where({ borrower_id: borrower.id })).length, 0);
  const ok = await app.appRequest('POST', '/Contact/ajaxPush', { type: `${FORM}; charset=utf-8`, data: raw });
  t.like(ok.json(), { status: 200, message: 'Successful', data: '' });
  t.is((await server.db('contacts').where({ borrower_id: borrower.id })).length, 1);
});

test('the state-changing GETs follow the same rule: cross-site refused, the app passes', async (t) => {
  const { borrower, app } = await signedInApp(server);
  const evil = await app.request('GET', '/Loan/reLoan?money=3000&time=10', { headers: { 'Sec-Fetch-Site': 'cross-site' } });
  t.is(evil.json().status, 403);
  t.is((await server.db('loans').where({ borrower_id: borrower.id })).length, 0);
  const out = await app.request('GET', '/Index/ajaxLogOut', { headers: { 'Sec-Fetch-Site': 'cross-site' } });
  t.is(out.json().status, 403);
  t.is((await app.appRequest('GET', '/Repay/orders')).json().status, 200, 'still signed in');
  t.deepEqual((await app.appRequest('GET', '/Loan/reLoan?money=3000&time=10')).json(), { status: 200, message: 'Successful', data: '' });
  t.deepEqual((await app.appRequest('GET', '/Index/ajaxLogOut')).json(), { status: 200, message: 'Logout successful' });
  t.is((await app.appRequest('GET', '/Repay/orders')).json().status, -100);
});

test('a same-origin page form still needs its token (second layer); the token is masked afresh on every page', async (t) => {
  const b = await makeBorrower(server.db);
  const browser = new Client(server.url);
  const first = await browser.csrf();
  const second = await browser.csrf();
  t.not(first, second, 'each response carries different bytes');
  const body = { username: b.phone, password: b.password };
  const bare = await browser.postForm('/Index/ajaxSignIn', body, { 'Sec-Fetch-Site': 'same-origin', Origin: server.url });
  t.is(bare.status, 403);
  const ok = await browser.postForm('/Index/ajaxSignIn', { ...body, _csrf: first }, { 'Sec-Fetch-Site': 'same-origin', Origin: server.url });
  t.is(ok.status, 303, 'an older masked copy of the same token is still good');
});

test('the session cookie is SameSite=Lax', async (t) => {
  const b = await makeBorrower(server.db);
  const res = await fetch(`${server.url}/Index/ajaxSignIn`, {
    method: 'POST',
    body: new URLSearchParams({ username: b.phone, password: b.password }),
  });
  t.regex(res.headers.getSetCookie().join('\n'), /samesite=lax/i);
});

test("a state-changing GET that a navigation could make needs the page's token, even with ?format=json", async (t) => {
  // A browser without Fetch Metadata sends neither Sec-Fetch-Site nor Origin on a
  // top-level navigation, and SameSite=Lax cookies go with it.
  const { app, borrower } = await signedInApp(server);
  const loans = async () => (await server.db('loans').where({ borrower_id: borrower.id })).length;
  const forged = await app.request('GET', '/Loan/reLoan?format=json&money=3000&time=10', { headers: { Accept: BROWSER_ACCEPT } });
  t.is(forged.json().status, 403);
  t.is(await loans(), 0, 'no loan was made');
  // The app (no Accept, or JSON first) and the page's own link (its token) still work.
  t.is((await app.appRequest('GET', '/Loan/reLoan?money=3000&time=10')).json().status, 200);
  t.is(await loans(), 1);
});
