import crypto from 'node:crypto';
import test from 'ava';
import { makeDefault } from '../../src/data/repositories/bank-accounts.ts';
import { approveLoan, loanInReview, payoutCallback, payoutsOfLoan, startManualReview } from '../helpers/payouts.ts';
import type { TestServer } from '../helpers/server.ts';
import { staffClient } from '../helpers/staff.ts';

// "Nothing is paid twice": each race is a real burst of parallel HTTP requests against one database.

let server: TestServer;
let staffId: number;
test.before(async () => ({ server, staffId } = await startManualReview()));
test.after.always(() => server?.close());

const bills = (loanId: number) => server.db('bills').where({ loan_id: loanId });
const loanRow = (loanId: number) => server.db('loans').where({ id: loanId }).first();

test.serial('two staff approving the same loan in the console at once (three clicks each) send one payout', async (t) => {
  const { loan } = await loanInReview(server);
  const one = await staffClient(server, 'admin');
  const two = await staffClient(server, 'admin');
  const clicks = [one, two, one, two, one, two].map((s) => s.c.postForm(`/support/loans/${loan.id}`, { _csrf: s.token, decision: 'approve' }));
  const answers = await Promise.all(clicks);
  t.true(answers.every((a) => a.status === 303), answers.map((a) => a.status).join());
  const payouts = await payoutsOfLoan(server, loan.id);
  t.is(payouts.length, 1);
  t.is(payouts[0].status, 'paid');
  t.is((await bills(loan.id)).length, 1);
  t.like(await loanRow(loan.id), { status: 'disbursed' });
  t.is((await server.db('audit_log').where({ action: 'approve_loan', subject: `loan:${loan.id}` })).length, 1, 'one approval recorded');
});

test.serial('a late success racing retries: while the money is on its way no retry is accepted, and the success applies once', async (t) => {
  const { app, loan } = await loanInReview(server, '2222');
  await approveLoan(server, loan.id, staffId);
  const [p] = await payoutsOfLoan(server, loan.id);
  const burst = await Promise.all([
    ...Array.from({ length: 20 }, () => payoutCallback(server, { idempotency_key: p.idempotency_key, status: 'paid' })),
    ...Array.from({ length: 10 }, () => app.postApp('/Loan/payoutRetry', {})),
  ]);
  const callbacks = burst.slice(0, 20).map((r) => r.json().outcome);
  const retries = burst.slice(20).map((r) => r.json().status);
  t.is(callbacks.filter((o) => o === 'paid').length, 1, callbacks.join());
  t.true(callbacks.every((o) => o === 'paid' || o === 'ignored_paid'), callbacks.join());
  t.true(retries.every((s) => s === 409), retries.join());
  t.deepEqual((await payoutsOfLoan(server, loan.id)).map((x) => x.status), ['paid']);
  t.is((await bills(loan.id)).length, 1);
});

test.serial('a provider that says "failed" and then "paid" while the borrower retries to another account: one transfer counts, one bill, staff warned', async (t) => {
  const { app, borrower, loan } = await loanInReview(server, '2222');
  await approveLoan(server, loan.id, staffId);
  const [p] = await payoutsOfLoan(server, loan.id);
  t.is((await payoutCallback(server, { idempotency_key: p.idempotency_key, status: 'failed' })).json().outcome, 'failed');
  const good = await server.db('bank_accounts').where({ borrower_id: borrower.id }).orderBy('id').first();
  await makeDefault(server.db, borrower.id, good.id);
  const burst = await Promise.all([
    ...Array.from({ length: 10 }, () => app.postApp('/Loan/payoutRetry', {})),
    ...Array.from({ length: 20 }, () => payoutCallback(server, { idempotency_key: p.idempotency_key, status: 'paid' })),
  ]);
  const retries = burst.slice(0, 10).map((r) => r.json().status);
  t.is(retries.filter((s) => s === 200).length, 1, retries.join());
  t.true(retries.every((s) => s === 200 || s === 409));
  t.true(burst.slice(10).every((r) => r.json().outcome === 'ignored_failed'));
  const all = await payoutsOfLoan(server, loan.id);
  t.deepEqual(all.map((x) => [x.attempt, x.status]), [[1, 'failed'], [2, 'paid']]);
  t.is((await bills(loan.id)).length, 1);
  t.like(await loanRow(loan.id), { status: 'disbursed' });
  t.true(server.logs.some((l) => l.msg === 'payout reported paid after it failed' && l.payoutId === p.id));
});

test.serial('50 concurrent copies of a "returned" callback cancel the bill once; 50 of "failed" fail the payout once', async (t) => {
  const { loan } = await loanInReview(server);
  await approveLoan(server, loan.id, staffId);
  const [p] = await payoutsOfLoan(server, loan.id);
  const eventId = crypto.randomUUID();
  const returned = await Promise.all(Array.from({ length: 50 }, () => payoutCallback(server, { event_id: eventId, idempotency_key: p.idempotency_key, status: 'returned' })));
  t.true(returned.every((r) => r.status === 200));
  t.is(returned.filter((r) => r.json().outcome === 'returned').length, 1);
  t.is(returned.filter((r) => r.json().outcome === 'duplicate').length, 49);
  t.like(await bills(loan.id).first(), { status: 'cancelled' });
  t.like(await loanRow(loan.id), { status: 'payout_failed' });
  t.is((await server.db('payout_events').where({ event_id: eventId })).length, 1);

  const late = await loanInReview(server, '2222');
  await approveLoan(server, late.loan.id, staffId);
  const [q] = await payoutsOfLoan(server, late.loan.id);
  // Fifty different events saying the same thing: one moves the payout, the rest find it already moved.
  const failed = await Promise.all(Array.from({ length: 50 }, () => payoutCallback(server, { idempotency_key: q.idempotency_key, status: 'failed' })));
  t.is(failed.filter((r) => r.json().outcome === 'failed').length, 1);
  t.true(failed.every((r) => ['failed', 'ignored_failed'].includes(r.json().outcome)), failed.map((r) => r.json().outcome).join());
  t.like(await loanRow(late.loan.id), { status: 'payout_failed' });
  t.is((await bills(late.loan.id)).length, 0, 'nothing is owed');
});
