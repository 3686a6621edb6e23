import crypto from 'node:crypto';
import test from 'ava';
import { makeDefault } from '../../src/data/repositories/bank-accounts.ts';
import { dayOf } from '../../src/domain/calendar.ts';
import { recordVerifiedAccount } from '../../src/services/bank-accounts.ts';
import { decideLoanByHand } from '../../src/services/loans.ts';
import { SIGNATURE_HEADER, signNotification } from '../../src/services/payments/sandbox.ts';
import { Client } from '../helpers/client.ts';
import { clabeFor } from '../helpers/factories.ts';
import { signedInApp } from '../helpers/loans.ts';
import { startManualReview } from '../helpers/payouts.ts';
import type { TestServer } from '../helpers/server.ts';

let server: TestServer;
let staffId: number;
let accounts = 0;
test.before(async () => ({ server, staffId } = await startManualReview()));
test.after.always(() => server?.close());

const DAY = 86_400_000;

/** A valid CLABE whose account part ends in `tail` (1111: the sandbox refuses it; 2222: it answers late). */
function clabeEnding(tail: string): string {
  return clabeFor(Number(`${(++accounts % 9000) + 100 + (process.pid % 50) * 9000}${tail}`));
}

/** Gives the borrower a new verified account and makes it the default. */
async function useAccount(borrowerId: number, clabe: string): Promise<number> {
  await recordVerifiedAccount(server.db, server.clock, server.config, borrowerId, clabe, 'Prueba');
  const row = await server.db('bank_accounts').where({ borrower_id: borrowerId }).orderBy('id', 'desc').first();
  await makeDefault(server.db, borrowerId, row.id);
  return row.id;
}

async function inReview(tail?: string) {
  const { app, borrower } = await signedInApp(server);
  if (tail) await useAccount(borrower.id, clabeEnding(tail));
  const applied = (await app.postApp('/Loan/reLoan', { money: '2000', time: '7' })).json();
  const confirmed = (await app.postApp('/Index/ajaxApply', { kfs_ack: '1' })).json();
  const loan = await server.db('loans').where({ borrower_id: borrower.id }).first();
  if (loan?.status !== 'in_review') throw new Error(`not in review: ${JSON.stringify([applied, confirmed])}`);
  return { app, borrower, loan };
}

const approve = (loanId: number) => decideLoanByHand(server.db, server.clock, server.config, { loanId, staffId, address: '127.0.0.1', approve: true });

function callback(fields: { event_id?: string; idempotency_key: string; status: string; at?: number }, signature?: string) {
  const now = Math.floor(server.clock.now().getTime() / 1000);
  const body = JSON.stringify({ event_id: fields.event_id ?? crypto.randomUUID(), at: now, ...fields });
  return new Client(server.url).request('POST', '/Payout/notify', {
    body,
    headers: { 'Content-Type': 'application/json', [SIGNATURE_HEADER]: signature ?? signNotification(server.config.payouts.webhookSecret, body, now) },
  });
}

const payouts = (loanId: number) => server.db('payouts').where({ loan_id: loanId }).orderBy('attempt');
const billOf = (loanId: number) => server.db('bills').where({ loan_id: loanId }).first();

test.serial('approval pays out at once by default: money arrives, then the loan is owed', async (t) => {
  const { app, borrower, loan } = await inReview();
  const approved = await approve(loan.id);
  t.is(approved.status, 'disbursed');
  const [p] = await payouts(loan.id);
  t.like(p, { status: 'paid', attempt: 1, amount: loan.received, idempotency_key: `loan-${loan.oid}-payout-1` });
  t.truthy(p.paid_at);
  t.like(await billOf(loan.id), { status: 'open' });
  const view = (await app.getJson('/Loan/payout')).json();
  t.is(view.status, 200);
  t.like(view.data, { loan_status: 'disbursed', owes: true, may_retry: false });
  t.regex(view.data.payouts[0].account, /^\S+ \d{4}$/);
  t.false(JSON.stringify(view).includes(borrower.clabe), 'never the full account number');
});

test.serial('a failed payout owes nothing; the borrower picks another account, retries, and receives the loan', async (t) => {
  const { app, borrower, loan } = await inReview('1111');
  const approved = await approve(loan.id);
  t.is(approved.status, 'payout_failed');
  t.is(await billOf(loan.id), undefined, 'no bill: nothing is owed');
  t.like((await payouts(loan.id))[0], { status: 'failed', reason: 'account_refused' });
  const home = (await app.getJson('/Repay/loans')).json().data;
  t.is(home.loan_status, 'payout_failed');
  t.like((await app.getJson('/Loan/payout')).json().data, { loan_status: 'payout_failed', owes: false, may_retry: true });
  const page = await app.get('/Repay/index.shtml', { Accept: 'text/html' });
  t.regex(page.text, /id="payout-notice"[\s\S]*href="\/Loan\/payout"/);
  const payoutPage = await app.get('/Loan/payout', { Accept: 'text/html' });
  t.regex(payoutPage.text, /action="\/Loan\/payoutRetry"/);
  // Retrying to the same refused account fails again, and still nothing is owed.
  t.like((await app.postApp('/Loan/payoutRetry', {})).json(), { status: 200, data: { loan_status: 'payout_failed' } });
  // The borrower's first (good) account becomes the default again.
  const good = await server.db('bank_accounts').where({ borrower_id: borrower.id }).orderBy('id').first();
  t.is((await app.postApp('/Bank/default', { id: String(good.id) })).json().status, 200);
  const retried = (await app.postApp('/Loan/payoutRetry', {})).json();
  t.like(retried, { status: 200, data: { loan_status: 'disbursed' } });
  const all = await payouts(loan.id);
  t.deepEqual(all.map((p) => [p.attempt, p.status]), [[1, 'failed'], [2, 'failed'], [3, 'paid']]);
  t.is(all[2].bank_account_id, good.id);
  t.like(await billOf(loan.id), { status: 'open' });
  // A loan that is paid out cannot be retried.
  t.like((await app.postApp('/Loan/payoutRetry', {})).json(), { status: 409 });
});

test.serial('a late payout: the due day counts from the arrival, and 50 concurrent copies of the callback apply once', async (t) => {
  const { app, loan } = await inReview('2222');
  t.is((await approve(loan.id)).status, 'paying_out');
  t.is(await billOf(loan.id), undefined);
  t.like((await app.getJson('/Repay/loans')).json().data, { loan_status: 'paying_out' });
  server.clock.advance(3 * DAY);
  const [p] = await payouts(loan.id);
  const eventId = crypto.randomUUID();
  const answers = await Promise.all(Array.from({ length: 50 }, () => callback({ event_id: eventId, idempotency_key: p.idempotency_key, status: 'paid' })));
  t.true(answers.every((a) => a.status === 200));
  t.is(answers.filter((a) => a.json().outcome === 'paid').length, 1);
  t.is(answers.filter((a) => a.json().outcome === 'duplicate').length, 49);
  // Another event saying the same arrives later: it changes nothing either.
  t.is((await callback({ idempotency_key: p.idempotency_key, status: 'paid' })).json().outcome, 'ignored_paid');
  const bills = await server.db('bills').where({ loan_id: loan.id });
  t.is(bills.length, 1);
  const arrival = dayOf(server.clock.now().getTime(), server.config.timeZone);
  t.like(bills[0], { start_day: arrival, due_day: arrival + loan.term_days });
  t.like(await server.db('loans').where({ id: loan.id }).first(), { status: 'disbursed', disbursed_at: server.clock.now().getTime() });
  t.is((await server.db('payout_events').where({ event_id: eventId })).length, 1);
});

test.serial('a returned payout cancels the bill (nothing is owed) and reopens the failure path; a retry starts the bill again', async (t) => {
  const { app, borrower, loan } = await inReview();
  await approve(loan.id);
  const [p] = await payouts(loan.id);
  server.clock.advance(2 * DAY);
  t.is((await callback({ idempotency_key: p.idempotency_key, status: 'returned' })).json().outcome, 'returned');
  t.like(await billOf(loan.id), { status: 'cancelled' });
  t.like((await payouts(loan.id))[0], { status: 'returned', refund_due: 0 });
  // Days later the session has expired: the borrower signs in again.
  t.is((await app.postApp('/Index/ajaxSignIn', { username: borrower.phone, password: borrower.password })).json().status, 200);
  const home = (await app.getJson('/Repay/loans')).json();
  t.is(home.data?.loan_status, 'payout_failed', JSON.stringify(home));
  await useAccount(borrower.id, clabeEnding('3333'));
  t.like((await app.postApp('/Loan/payoutRetry', {})).json(), { data: { loan_status: 'disbursed' } });
  const today = dayOf(server.clock.now().getTime(), server.config.timeZone);
  t.like(await billOf(loan.id), { status: 'open', start_day: today, due_day: today + loan.term_days });
});

test.serial('bad signatures and unknown payouts change nothing', async (t) => {
  const { loan } = await inReview('2222');
  await approve(loan.id);
  const [p] = await payouts(loan.id);
  const forged = await callback({ idempotency_key: p.idempotency_key, status: 'paid' }, 't=1,v1=00');
  t.is(forged.status, 401);
  t.is((await callback({ idempotency_key: 'loan-0-payout-9', status: 'paid' })).status, 404);
  t.like((await payouts(loan.id))[0], { status: 'pending' });
  t.is(await billOf(loan.id), undefined);
});

test.serial('two staff approving at once pay once; ten racing retries send one payout', async (t) => {
  const { loan } = await inReview();
  const both = await Promise.allSettled([approve(loan.id), approve(loan.id)]);
  t.is(both.filter((r) => r.status === 'fulfilled').length, 1);
  t.is((await payouts(loan.id)).length, 1);

  const failed = await inReview('1111');
  await approve(failed.loan.id);
  const good = await server.db('bank_accounts').where({ borrower_id: failed.borrower.id }).orderBy('id').first();
  await makeDefault(server.db, failed.borrower.id, good.id);
  const answers = await Promise.all(Array.from({ length: 10 }, () => failed.app.postApp('/Loan/payoutRetry', {})));
  t.is(answers.filter((a) => a.json().status === 200).length, 1);
  t.true(answers.every((a) => [200, 409].includes(a.json().status)));
  const all = await payouts(failed.loan.id);
  t.deepEqual(all.map((x) => x.status), ['failed', 'paid']);
  t.is((await server.db('bills').where({ loan_id: failed.loan.id })).length, 1);
});
