import test from 'ava';
import { makeStaff } from '../helpers/factories.ts';
import { approveLoan, loanInReview, payoutCallback, payoutsOfLoan } from '../helpers/payouts.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

// Provider callbacks that arrive out of order (review of issue 19).

let server: TestServer;
let staffId: number;
test.before(async () => {
  server = await startServer({ REVIEW_MODE: 'manual' });
  staffId = (await makeStaff(server.db, 'admin')).id;
});
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
