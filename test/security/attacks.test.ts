import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { systemClock } from '../../src/clock.ts';
import { AccountError, createStaff } from '../../src/services/accounts.ts';
import { removeLeftoverTempFiles } from '../../src/services/uploads.ts';
import { Client } from '../helpers/client.ts';
import { multipart } from '../helpers/images.ts';
import { borrow, signedInApp } from '../helpers/loans.ts';
import { payInFull, reference } from '../helpers/payments.ts';
import { rawRequest } from '../helpers/raw.ts';
import { freshDatabase, startServer, type TestServer } from '../helpers/server.ts';
import { staffClient } from '../helpers/staff.ts';

let server: TestServer;
test.before(async () => {
  server = await startServer();
});
test.after.always(() => server?.close());

test("the sandbox notifies the portal's own address, whatever Host the caller sends (no SSRF)", async (t) => {
  const { app } = await signedInApp(server);
  const loan = await borrow(t, app, '3000', '10');
  const url = (await app.postApp('/Repay/payData', { oid: loan.oid })).json().data as string;
  const { checkout } = (await reference(url, 2)).json().data;
  const target = new URL(checkout);
  // Port 1 on this machine is closed: a server-side URL built from Host would fail there.
  const paid = await rawRequest(server.url, target.pathname + target.search, {
    Host: '127.0.0.1:1',
    Accept: 'application/json',
    'Content-Type': 'application/x-www-form-urlencoded',
    'Content-Length': '0',
  });
  t.is(paid.status, 200, paid.text);
  t.deepEqual(JSON.parse(paid.text), { status: 200, outcome: 'settled' });
});

test('a truncated multipart body is a 400, not a 500', async (t) => {
  const visitor = new Client(server.url);
  const token = await visitor.csrf('/Feedback/index');
  const whole = multipart('Cut', [
    ['Content-Disposition: form-data; name="_csrf"', token],
    ['Content-Disposition: form-data; name="file"; filename="a.png"', Buffer.alloc(4096, 1)],
  ]);
  const res = await visitor.request('POST', '/Feedback/ajaxCreate', {
    body: whole.subarray(0, whole.length - 200),
    headers: { 'Content-Type': 'multipart/form-data; boundary=Cut', Accept: 'application/json' },
  });
  t.is(res.status, 200, 'refusals are answered in the envelope');
  t.deepEqual(res.json(), { status: 400, message: 'The request could not be understood.', data: '' });
});

test('odd static paths are a plain 404 page, never a 500 or a file outside public/', async (t) => {
  const c = new Client(server.url);
  for (const p of ['/css/%', '/css/..%2f..%2fpackage.json', '/js/%2e%2e/%2e%2e/package.json', '/img/..%5c..%5cpackage.json']) {
    const res = await c.get(p, { Accept: 'text/html' });
    t.is(res.status, 404, p);
    t.notRegex(res.text, /"name": "cuota"|at .*\.ts|Error:/, p);
  }
  t.is((await c.get('/css/app.css')).status, 200, 'real files still served');
});

test('with COOKIE_SECURE, plain HTTP without X-Forwarded-Proto is a clear 400', async (t) => {
  const tls = await startServer({ COOKIE_SECURE: 'true', TRUST_PROXY: 'true' });
  t.teardown(() => tls.close());
  const c = new Client(tls.url);
  const page = await c.get('/Index/login', { 'Accept-Language': 'es' });
  t.is(page.status, 400);
  t.is(page.text, 'Este portal solo responde por HTTPS.');
  t.is(page.headers.getSetCookie().length, 0);
  const json = await c.postApp('/Index/ajaxSignIn', { username: '5512345678', password: 'x' });
  t.is(json.status, 400);
  t.deepEqual(json.json(), { status: 400, message: 'This portal only answers over HTTPS.', data: '' });
  t.is((await c.get('/Index/login', { 'X-Forwarded-Proto': 'https' })).status, 200);
});

test('the language links never leave the site (no open redirect through //host)', async (t) => {
  const c = new Client(server.url);
  for (const p of ['//evil.example/x', '/\\evil.example/x', '///evil.example/x']) {
    const res = await c.get(p, { Accept: 'text/html' });
    t.is(res.status, 404, p);
    t.notRegex(res.text, /href="(\/\/|\/\\)/, p);
    t.regex(res.text, /href="\/evil\.example\/x\?lang=es"/, p);
  }
});

test("staff reading a borrower's receipt or certificate is audited", async (t) => {
  const { app } = await signedInApp(server);
  const loan = await borrow(t, app, '3000', '10');
  const url = (await app.postApp('/Repay/payData', { oid: loan.oid })).json().data as string;
  const { reference: ref } = await payInFull(server, url);
  const settlement = await server.db('settlements').where({ reference: ref }).first();
  const { c, staff } = await staffClient(server);
  t.is((await c.get(`/support/receipt?id=${settlement.id}`, { Accept: 'text/html' })).status, 200);
  t.is((await c.get(`/support/receipt/pdf?id=${settlement.id}`)).status, 200);
  t.is((await c.get(`/support/certificate?oid=${loan.oid}`, { Accept: 'text/html' })).status, 200);
  const bill = await server.db('bills').where({ id: settlement.bill_id }).first();
  const rows = await server.db('audit_log').where({ staff_id: staff.id }).whereNot({ action: 'sign_in' }).orderBy('id');
  t.deepEqual(
    rows.map((r) => [r.action, r.subject, JSON.parse(r.detail).format, r.address]),
    [
      ['view_receipt', `settlement:${settlement.id}`, 'page', '127.0.0.1'],
      ['view_receipt', `settlement:${settlement.id}`, 'pdf', '127.0.0.1'],
      ['view_certificate', `loan:${bill.loan_id}`, 'page', '127.0.0.1'],
    ],
  );
  // The borrower's own reads are theirs: not in the staff audit.
  await app.getJson(`/Repay/receipt?id=${settlement.id}`);
  t.is(await server.db('audit_log').where({ action: 'view_receipt' }).whereNot({ staff_id: staff.id }).first(), undefined);
});

test('a password in the query string of a sign-in is refused and never checked', async (t) => {
  const b = await signedInApp(server).then((s) => s.borrower);
  const c = new Client(server.url);
  const res = await c.request('POST', `/Index/ajaxSignIn?username=${b.phone}&password=${b.password}`, {
    headers: { 'X-Requested-With': 'XMLHttpRequest', Accept: 'application/json' },
  });
  t.is(res.json().status, 400);
  t.is(res.json().message, 'Send your password in the form, never in the address.');
  t.is(c.cookies.size > 0 && (await c.getJson('/Repay/orders')).json().status === 200, false, 'not signed in');
});

test('*.tmp files a crash left in the upload directory are removed at start', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cuota-tmp-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.mkdirSync(path.join(dir, '20260302'));
  fs.writeFileSync(path.join(dir, '20260302', 'abc.jpg.0123456789ab.tmp'), 'half');
  fs.writeFileSync(path.join(dir, '20260302', 'kept.jpg'), 'whole');
  t.is(await removeLeftoverTempFiles({ uploadDir: dir }), 1);
  t.deepEqual(fs.readdirSync(path.join(dir, '20260302')), ['kept.jpg']);
  t.is(await removeLeftoverTempFiles({ uploadDir: path.join(dir, 'missing') }), 0);
});

test('two staff accounts created at once: one account, and the other a clear AccountError', async (t) => {
  const database = await freshDatabase();
  t.teardown(() => database.drop());
  const input = { email: 'race@example.com', password: 'a long passphrase', role: 'support' };
  const results = await Promise.allSettled([createStaff(database.db, systemClock, input), createStaff(database.db, systemClock, input)]);
  t.is(results.filter((r) => r.status === 'fulfilled').length, 1);
  const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
  t.true(lost.reason instanceof AccountError);
  t.is(lost.reason.message, 'a staff account for race@example.com already exists');
});
