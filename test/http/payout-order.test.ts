import test from 'ava';
import { dayOf } from '../../src/domain/calendar.ts';
import { makeStaff } from '../helpers/factories.ts';
import { approveLoan, loanInReview, payoutCallback, payoutsOfLoan, startManualReview } from '../helpers/payouts.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

// Provider callbacks that arrive out of order (review of issue 19).

let server: TestServer;
let staffId: number;
test.before(async () => ({ server, staffId } = await startManualReview()));
test.after.always(() => server?.close());

const DAY = 86_400_000;
const billOf = (loanId: number) => server.db('bills').where({ loan_id: loanId }).first();
const loanRow = (loanId: number) => server.db('loans').where({ id: loanId }).first();

test.serial('"returned" delivered before "paid" is not lost: the provider is asked to send it again, and the loan ends owing nothing', async (t) => {
  const { loan } = await loanInReview(server, '2222');
  await approveLoan(server, loan.id, staffId);
  const [p] = await payoutsOfLoan(server, loan.id);
  server.clock.advance(DAY);
  // The provider's "returned" overtakes its "paid".
  const early = await payoutCallback(server, { event_id: 'ret-1', idempotency_key: p.idempotency_key, status: 'returned' });
  t.true(early.status >= 400 && early.status < 500, `status ${early.status}`);
  t.is((await server.db('payout_events').where({ event_id: 'ret-1' })).length, 0, 'not recorded: its redelivery must apply');
  t.like((await payoutsOfLoan(server, loan.id))[0], { status: 'pending' });
  t.is((await payoutCallback(server, { event_id: 'paid-1', idempotency_key: p.idempotency_key, status: 'paid' })).json().outcome, 'paid');
  // The provider redelivers the "returned" event.
  const again = await payoutCallback(server, { event_id: 'ret-1', idempotency_key: p.idempotency_key, status: 'returned' });
  t.like(again.json(), { status: 200, outcome: 'returned' });
  t.like((await payoutsOfLoan(server, loan.id))[0], { status: 'returned' });
  t.like(await loanRow(loan.id), { status: 'payout_failed' });
  t.like(await billOf(loan.id), { status: 'cancelled' });
});

test.serial('an arrival time before the payout was even requested does not start the term in the past (no instant overdue fee)', async (t) => {
  const { loan } = await loanInReview(server, '2222');
  await approveLoan(server, loan.id, staffId);
  const [p] = await payoutsOfLoan(server, loan.id);
  server.clock.advance(DAY);
  // A provider that stamps its arrival 30 days before the request (a clock or format slip).
  const at = Math.floor((p.created_at - 30 * DAY) / 1000);
  t.is((await payoutCallback(server, { idempotency_key: p.idempotency_key, status: 'paid', at })).json().outcome, 'paid');
  const requestedDay = dayOf(p.created_at, server.config.timeZone);
  const bill = await billOf(loan.id);
  t.true(bill.start_day >= requestedDay, `start ${bill.start_day} < requested ${requestedDay}`);
  t.true(bill.due_day > dayOf(server.clock.now().getTime(), server.config.timeZone), 'not overdue on arrival');
});

test.serial('idempotency keys are not reused by another database (a restored backup, staging on the same provider account)', async (t) => {
  const other = await startServer({ REVIEW_MODE: 'manual' });
  try {
    const otherStaff = (await makeStaff(other.db, 'admin')).id;
    const fresh = await startServer({ REVIEW_MODE: 'manual' });
    try {
      const freshStaff = (await makeStaff(fresh.db, 'admin')).id;
      const a = await loanInReview(other);
      await approveLoan(other, a.loan.id, otherStaff);
      const b = await loanInReview(fresh);
      await approveLoan(fresh, b.loan.id, freshStaff);
      const [pa] = await payoutsOfLoan(other, a.loan.id);
      const [pb] = await payoutsOfLoan(fresh, b.loan.id);
      t.not(pa.idempotency_key, pb.idempotency_key, 'the provider would answer the second with the first transfer');
    } finally {
      await fresh.close();
    }
  } finally {
    await other.close();
  }
});
