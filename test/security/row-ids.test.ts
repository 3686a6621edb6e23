// Ids past the database's integer keys (PostgreSQL `integer`: 2^31 - 1) are
// simply not found or refused, never a 500 (found by the security review).
import test from 'ava';
import { borrow, signedInApp } from '../helpers/loans.ts';
import { Client } from '../helpers/client.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { staffClient } from '../helpers/staff.ts';

let server: TestServer;
test.before(async () => {
  server = await startServer();
});
test.after.always(() => server.close());

const PAST_INT = '2147483648';
const HUGE = '99999999999';

test('a visitor asking for a payment URL with an id past the integer keys gets 404, not 500', async (t) => {
  const visitor = new Client(server.url);
  for (const id of [PAST_INT, '999999999999']) {
    const res = await visitor.getJson(`/Pay/${id}-${'a'.repeat(43)}`);
    t.is(res.json().status, 404, `${id}: ${res.text}`);
  }
});

test('a borrower sending ids past the integer keys gets a refusal, not 500', async (t) => {
  const { app } = await signedInApp(server);
  await borrow(t, app);
  const answers = [
    await app.getJson(`/Repay/receipt?id=${PAST_INT}`),
    await app.postApp('/Bank/default', { id: HUGE }),
    await app.postApp('/Repay/ajaxDelay', { oid: '999999999999' }),
    await app.postApp('/Repay/payTransf', { paytype: '1', url: `${server.url}/Pay/${HUGE}-${'a'.repeat(43)}` }),
  ];
  for (const res of answers) {
    t.is(res.status, 200, res.text);
    t.true([404, 422].includes(res.json().status), res.text);
  }
});

test('console pages and actions with ids past the integer keys (or not numbers) answer 404, not 500', async (t) => {
  const admin = await staffClient(server, 'admin');
  for (const id of [HUGE, PAST_INT, 'abc', '1e3']) {
    for (const path of [`/support/products/${id}`, `/support/proofs/${id}`, `/support/complaints/${id}`, `/support/identities/${id}`]) {
      t.is((await admin.c.get(path)).status, 404, `GET ${path}`);
    }
    for (const path of [`/support/products/${id}`, `/support/products/${id}/open`, `/support/proofs/${id}`, `/support/loans/${id}`, `/support/feedback/${id}`, `/support/complaints/${id}`, `/support/identities/${id}`]) {
      const res = await admin.c.postForm(path, { _csrf: admin.token, version: '1', open: '0', decision: 'approve', body: 'x', note: 'x' });
      t.true([303, 404].includes(res.status), `POST ${path}: ${res.status}`);
    }
  }
  t.true([404, 422].includes((await admin.c.get(`/support/receipt?id=${PAST_INT}`)).status));
});
