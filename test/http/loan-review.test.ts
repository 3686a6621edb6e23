import test from 'ava';
import { decideLoanByHand } from '../../src/services/loans.ts';
import { borrow, signedInApp } from '../helpers/loans.ts';
import { startManualReview } from '../helpers/payouts.ts';
import type { TestServer } from '../helpers/server.ts';

let server: TestServer;
let staffId: number;
test.before(async () => ({ server, staffId } = await startManualReview()));
test.after.always(() => server?.close());

const DAY = 86_400_000;
const decide = (loanId: number, approve: boolean, code?: string) =>
  decideLoanByHand(server.db, server.clock, server.config, { loanId, staffId, address: '127.0.0.1', approve, code });

test.serial('with manual review a confirmed loan waits; staff approval disburses it once', async (t) => {
  const { app, borrower } = await signedInApp(server);
  const waiting = await borrow(t, app, '2000', '7');
  t.like(waiting, { confirm: 1, status: 0, loan_status: 'in_review', billId: '0' });
  const loan = await server.db('loans').where({ borrower_id: borrower.id }).first();
  const approved = await decide(loan.id, true);
  t.like(approved, { status: 'disbursed', decided_by: `staff:${staffId}` });
  await t.throwsAsync(decide(loan.id, true), { message: 'not_in_review' });
  await t.throwsAsync(decide(loan.id, false), { message: 'not_in_review' });
  t.is((await server.db('bills').where({ loan_id: loan.id })).length, 1);
  t.like((await app.getJson('/Repay/loans')).json().data, { loan_status: 'disbursed', status: 0, money: 2000 });
});

test.serial('two staff deciding at once decide once', async (t) => {
  const { app, borrower } = await signedInApp(server);
  await borrow(t, app, '2000', '7');
  const loan = await server.db('loans').where({ borrower_id: borrower.id }).first();
  const results = await Promise.allSettled([decide(loan.id, true), decide(loan.id, false, 'staff'), decide(loan.id, true)]);
  t.is(results.filter((r) => r.status === 'fulfilled').length, 1);
  // Issue 13: the audit row is written in the decision's transaction: one decision, one row; refused ones leave none.
  t.is((await server.db('audit_log').where({ subject: `loan:${loan.id}` })).length, 1);
  t.true((await server.db('bills').where({ loan_id: loan.id })).length <= 1);
});

test.serial('a rejection shows its reason and when to apply again, and blocks applying until then', async (t) => {
  const { app, borrower } = await signedInApp(server);
  await borrow(t, app, '2000', '7');
  const loan = await server.db('loans').where({ borrower_id: borrower.id }).first();
  await decide(loan.id, false, 'staff');
  const data = (await app.getJson('/Repay/loans')).json().data;
  t.like(data, { status: 3, loan_status: 'rejected', billId: '0' }, 'a rejection never reads as repaid (2)');
  t.regex(data.reapply_day, /^\d{2}-\d{2}-\d{4}$/);
  const page = await app.get('/Repay/index.shtml', { Accept: 'text/html' });
  t.regex(page.text, /Our team could not approve this application\./);
  t.regex(page.text, /You can apply again from/);
  t.notRegex(page.text, /id="quote-form"/);
  const blocked = await app.postApp('/Loan/reLoan', { money: '1000' });
  t.is(blocked.json().status, 409);
  t.regex(blocked.json().message, /You can apply again from \d{4}-\d{2}-\d{2}\./);
  // Issue 23: the JSON keeps the ISO day; a page shows the day in the reader's language.
  const refused = await app.postForm('/Loan/reLoan', { _csrf: await app.csrf('/Repay/index.shtml'), money: '1000', time: '7' });
  t.is(refused.status, 409);
  t.regex(refused.text, /You can apply again from [A-Z][a-z]{2} \d{1,2}, \d{4}\./);
  t.notRegex(refused.text, /apply again from \d{4}-/);

  server.clock.advance(7 * DAY + 1000);
  await app.postApp('/Index/ajaxSignIn', { username: borrower.phone, password: borrower.password });
  t.is((await app.postApp('/Loan/reLoan', { money: '1000' })).status, 200);
});
