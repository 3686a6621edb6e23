import test from 'ava';
import type { BillRow } from '../../src/data/repositories/bills.ts';
import { Client } from '../helpers/client.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { reference } from '../helpers/payments.ts';
import { link, mx, settlementOn } from '../helpers/settlement.ts';
import { staffClient } from '../helpers/staff.ts';

// The review of issue 13's settlement: links paid in several transfers, out-of-order arrivals,
// event ids that cannot be trusted alone, and the transfer date staff read on a proof.
// Loan 3000 over 10 days from 2 March 2026 (Mexico City, UTC-6): due 12 March, 3216.00 at maturity.

let server: TestServer;
test.before(async () => {
  server = await startServer();
});
test.after.always(() => server?.close());

const { notify, withLoan } = settlementOn(() => server);

/** What a bill's columns add up to: every centavo received, wherever it went. */
const booked = (b: BillRow) =>
  b.overdue_paid + b.overdue_cleared + b.interest_paid + b.delay_paid + b.principal_paid + b.excess_paid + b.extension_paid;

test.serial('a return paid in two transfers that reach the link amount returns the loan; each transfer is booked as the return', async (t) => {
  const { app, loan, at, bill, settlements } = await withLoan(t);
  await at(mx(3, 12, 0));
  const offer = await app.postApp('/Repay/exit', { oid: loan.oid });
  const ref = (await reference(offer.json().data, 1)).json().data;
  t.is(ref.money, '1753.20');
  t.deepEqual((await notify({ reference: ref.reference, amount: '1000.00' })).json(), { status: 200, outcome: 'exit_applied_as_repayment' });
  t.like(await bill(), { status: 'open', interest_paid: 21_600, principal_paid: 78_400 }, 'short alone: booked as a repayment for now');
  await at(mx(3, 12, 30));
  t.deepEqual((await notify({ reference: ref.reference, amount: '753.20' })).json(), { status: 200, outcome: 'cancelled' });
  const b = await bill();
  t.like(b, { status: 'cancelled', principal_paid: 171_000, interest_paid: 4320, excess_paid: 0, overdue_paid: 0 });
  t.is(booked(b), 175_320);
  const rows = await settlements();
  t.deepEqual(
    rows.map((s) => ({ purpose: s.purpose, note: s.note, interest: s.interest_part, principal: s.principal_part, excess: s.excess })),
    [
      { purpose: 'exit', note: null, interest: 4320, principal: 95_680, excess: 0 },
      { purpose: 'exit', note: null, interest: 0, principal: 75_320, excess: 0 },
    ],
  );
  t.like((await app.getJson('/Repay/loans')).json().data, { loan_status: 'cancelled' });
});

test.serial('a return paid in three transfers stays a repayment until the link has its amount; a fourth is excess', async (t) => {
  const { app, loan, at, bill } = await withLoan(t);
  await at(mx(3, 12, 0));
  const offer = await app.postApp('/Repay/exit', { oid: loan.oid });
  const ref = (await reference(offer.json().data, 1)).json().data;
  t.is((await notify({ reference: ref.reference, amount: '1000.00' })).json().outcome, 'exit_applied_as_repayment');
  t.is((await notify({ reference: ref.reference, amount: '500.00' })).json().outcome, 'exit_applied_as_repayment');
  t.like(await bill(), { status: 'open', interest_paid: 21_600, principal_paid: 128_400 });
  t.is((await notify({ reference: ref.reference, amount: '253.20' })).json().outcome, 'cancelled');
  t.like(await bill(), { status: 'cancelled', principal_paid: 171_000, interest_paid: 4320, excess_paid: 0 });
  t.is((await notify({ reference: ref.reference, amount: '10.00' })).json().outcome, 'exit_applied_as_repayment');
  const b = await bill();
  t.like(b, { status: 'cancelled', excess_paid: 1000 });
  t.is(booked(b), 176_320, 'every centavo received is on the bill');
});

test.serial('an extension paid in two transfers, the second after midnight, extends from the frozen price', async (t) => {
  const { app, loan, at, bill, settlements } = await withLoan(t);
  await at(mx(12, 23, 50));
  const ref = await link(app, loan.oid, 'delay');
  t.is(ref.money, '1290.00');
  await at(mx(12, 23, 55));
  t.is((await notify({ reference: ref.reference, amount: '1000.00' })).json().outcome, 'delay_applied_as_repayment');
  await at(mx(13, 0, 10));
  t.deepEqual((await notify({ reference: ref.reference, amount: '290.00' })).json(), { status: 200, outcome: 'extended' });
  const b = await bill();
  t.like(b, { status: 'open', delay_count: 1, due_day: 20_534, interest_paid: 0, principal_paid: 0, overdue_paid: 0, extension_paid: 129_000 });
  t.is(booked(b), 129_000);
  t.deepEqual(
    (await settlements()).map((s) => [s.purpose, s.delay_part, s.interest_part + s.principal_part, s.note]),
    [
      ['delay', 100_000, 0, null],
      ['delay', 29_000, 0, null],
    ],
  );
  t.like((await app.postApp('/Repay/ajaxDelay', { oid: loan.billId })).json(), { status: 200, message: 'Deferred success' });
});

test.serial('a repay link paid in two transfers, 23:55 and 00:10, settles at its frozen price: no late fee, loan repaid', async (t) => {
  const { app, loan, at, bill } = await withLoan(t);
  await at(mx(12, 23, 50));
  const ref = await link(app, loan.oid);
  t.is(ref.money, '3216.00');
  await at(mx(12, 23, 55));
  t.is((await notify({ reference: ref.reference, amount: '1000.00' })).json().outcome, 'partial');
  await at(mx(13, 0, 10));
  t.deepEqual((await notify({ reference: ref.reference, amount: '2216.00' })).json(), { status: 200, outcome: 'settled' });
  t.like(await bill(), { status: 'repaid', overdue_paid: 0, excess_paid: 0 });
  t.like((await app.getJson(`/Repay/loanDetail?oid=${loan.oid}`)).json().data, { needRepayMoney: 0 });
});

test.serial('out of order: a small payment of the next day booked first gives back its late fee as excess when the on-time payoff arrives', async (t) => {
  const { app, loan, at, bill, settlements } = await withLoan(t);
  await at(mx(12, 12, 0));
  const ref = await link(app, loan.oid);
  await at(mx(13, 0, 45));
  t.is((await notify({ reference: ref.reference, amount: '100.00', paidAt: mx(13, 0, 30), eventId: 'late-small' })).json().outcome, 'partial');
  t.like(await bill(), { overdue_paid: 6000 });
  await at(mx(13, 1, 0));
  t.is((await notify({ reference: ref.reference, amount: '3216.00', paidAt: mx(12, 12, 5), eventId: 'early-full' })).json().outcome, 'settled_with_excess');
  const b = await bill();
  t.like(b, { status: 'repaid', overdue_paid: 0, excess_paid: 10_000 }, 'the whole 100.00 is refundable: the loan was paid in full on the due day');
  t.is(booked(b), 331_600);
  const [small, full] = await settlements();
  t.like(small, { overdue_part: 6000, overdue_to_excess: 0 });
  t.like(full, { overdue_part: 0, overdue_to_excess: 6000, excess: 4000 });
  t.like((await app.getJson(`/Repay/loanDetail?oid=${loan.oid}`)).json().data, { needRepayMoney: 0 });
});

test.serial('event ids: empty or too long is refused (400), reused for another reference is 409 and logged, a replay with another amount is logged', async (t) => {
  const a = await withLoan(t);
  await a.at(mx(5, 12, 0));
  const ra = await link(a.app, a.loan.oid);
  const b = await withLoan(t);
  await b.at(mx(5, 12, 0));
  const rb = await link(b.app, b.loan.oid);

  t.deepEqual((await notify({ reference: rb.reference, amount: '10.00', eventId: '' })).json(), { status: 400, outcome: 'event_id_missing' });
  t.deepEqual((await notify({ reference: rb.reference, amount: '10.00', eventId: '   ' })).json(), { status: 400, outcome: 'event_id_missing' });
  t.deepEqual((await notify({ reference: rb.reference, amount: '10.00', eventId: 'x'.repeat(81) })).json(), { status: 400, outcome: 'event_id_too_long' });
  t.deepEqual((await notify({ reference: 'r'.repeat(200), amount: '10.00' })).json(), { status: 404, outcome: 'unknown_reference' });
  t.is((await b.settlements()).length, 0);

  t.is((await notify({ reference: ra.reference, amount: '100.00', eventId: 'evt-1' })).json().outcome, 'partial');
  const reused = await notify({ reference: rb.reference, amount: '500.00', eventId: 'evt-1' });
  t.is(reused.status, 409);
  t.deepEqual(reused.json(), { status: 409, outcome: 'event_id_reused' });
  t.is((await b.settlements()).length, 0, 'not booked, and not answered as a harmless duplicate either');
  t.truthy(server.logs.find((l) => l.msg === 'payment event id reused for another reference' && l.reference === rb.reference));
  t.like(await server.db('payment_notifications').where({ reference: rb.reference, event_id: 'evt-1' }).first(), { outcome: 'event_id_reused', http_status: 409 });

  t.deepEqual((await notify({ reference: ra.reference, amount: '150.00', eventId: 'evt-1' })).json(), { status: 200, outcome: 'duplicate' });
  t.truthy(server.logs.find((l) => l.msg === 'payment replay with another amount' && l.bookedAmount === 10_000 && l.amount === 15_000));
  t.is((await a.settlements()).length, 1);
});

test.serial('one event id sent for two bills at once never ends in a 500 and is booked once', async (t) => {
  const loans = [await withLoan(t), await withLoan(t)];
  server.clock.set(mx(5, 12, 0));
  for (const l of loans) await l.at(mx(5, 12, 0));
  const refs = await Promise.all(loans.map((l) => link(l.app, l.loan.oid)));
  const answers = await Promise.all(
    Array.from({ length: 8 }, (_, i) => notify({ reference: refs[i % 2]!.reference, amount: '100.00', eventId: 'clash-1' })),
  );
  t.true(answers.every((r) => r.status === 200 || r.status === 409), JSON.stringify(answers.map((r) => r.status)));
  t.is((await server.db('settlements').where({ event_key: 'sandbox:clash-1' })).length, 1);
  const winner = (await server.db('settlements').where({ event_key: 'sandbox:clash-1' }).first()).reference;
  for (const r of answers) t.is(r.json().outcome, r.status === 200 ? (r.json().outcome === 'partial' ? 'partial' : 'duplicate') : 'event_id_reused');
  t.is(answers.filter((r) => r.json().outcome === 'partial').length, 1);
  t.true(refs.some((r) => r.reference === winner));
});

test.serial('staff price an approved proof at the transfer date shown on it, within bounds; audited', async (t) => {
  const { app, loan, at, bill, settlements } = await withLoan(t);
  // Sent two days after the due day, the screenshot shows a transfer on the due day.
  await at(mx(14, 9, 0));
  t.is((await app.postApp('/Repay/repayProof', { oid: loan.oid, utr: '481516234311' })).json().status, 1);
  const proof = await server.db('proofs').where({ bill_id: Number(loan.billId) }).first();
  server.clock.set(mx(16, 12, 0));
  const { c, token } = await staffClient(server);
  const page = await c.get(`/support/proofs/${proof.id}`);
  t.regex(page.text, /name="transfer_day" type="date" value="2026-03-14" min="2026-03-02" max="2026-03-14"/);

  for (const bad of ['2026-03-15', '2026-03-01', 'yesterday']) {
    const res = await c.postForm(`/support/proofs/${proof.id}`, { _csrf: token, decision: 'approve', amount: '3216.00', purpose: 'repay', transfer_day: bad });
    t.is(res.status, 303, bad);
    t.is(res.headers.get('location'), `/support/proofs/${proof.id}`, bad);
    t.like(await server.db('proofs').where({ id: proof.id }).first(), { status: 'pending' }, bad);
  }
  t.is((await settlements()).length, 0, 'a refused date changes nothing');
  t.regex((await c.get(`/support/proofs/${proof.id}`)).text, /between the day the loan was paid out and the day the proof was sent/);

  const ok = await c.postForm(`/support/proofs/${proof.id}`, { _csrf: token, decision: 'approve', amount: '3216.00', purpose: 'repay', transfer_day: '2026-03-12' });
  t.is(ok.headers.get('location'), '/support/');
  t.like(await bill(), { status: 'repaid', overdue_paid: 0 });
  t.like((await settlements())[0], { overdue_part: 0, paid_at: mx(13, 0, 0).getTime() - 1 });
  const audit = await server.db('audit_log').where({ subject: `proof:${proof.id}` }).first();
  t.like(JSON.parse(audit.detail), { amount: 321_600, purpose: 'repay', transfer_day: 20_524 });
});

test.serial('an approved proof without a transfer date is priced when it was sent', async (t) => {
  const { app, loan, at, bill } = await withLoan(t);
  await at(mx(14, 9, 0));
  t.is((await app.postApp('/Repay/repayProof', { oid: loan.oid, utr: '481516234322' })).json().status, 1);
  const proof = await server.db('proofs').where({ bill_id: Number(loan.billId) }).first();
  const { c, token } = await staffClient(server);
  t.is((await c.postForm(`/support/proofs/${proof.id}`, { _csrf: token, decision: 'approve', amount: '3216.00', purpose: 'repay', transfer_day: '2026-03-14' })).status, 303);
  t.like(await bill(), { status: 'open', overdue_paid: 12_000 }, 'two days late at the date on the proof');
});

test.serial('migration 20261123101000: a settlement keyed by its reference before the deploy takes its event key back, so a retry is a duplicate', async (t) => {
  const { up } = await import('../../migrations/20261123101000_settlement_event_keys.ts');
  const { app, loan, at, bill, settlements } = await withLoan(t);
  await at(mx(5, 12, 0));
  const ref = await link(app, loan.oid);
  t.is((await notify({ reference: ref.reference, amount: '1000.00', eventId: 'evt-old' })).json().outcome, 'partial');
  await at(mx(5, 13, 0));
  t.is((await app.postApp('/Repay/repayProof', { oid: loan.oid, utr: '481516234333' })).json().status, 1);
  const proof = await server.db('proofs').where({ bill_id: Number(loan.billId) }).first();
  const { c, token } = await staffClient(server);
  t.is((await c.postForm(`/support/proofs/${proof.id}`, { _csrf: token, decision: 'approve', amount: '100.00', purpose: 'repay' })).status, 303);
  // What the landed migration left on rows settled before the deploy: the reference as the key,
  // and a later transfer of that time answered "duplicate" (recorded, never settled).
  await server.db('settlements').where({ reference: ref.reference }).update({ event_key: ref.reference });
  await server.db('payment_notifications').insert({
    provider: 'sandbox',
    event_id: 'evt-dropped',
    reference: ref.reference,
    outcome: 'duplicate',
    http_status: 200,
    body: '{}',
    received_at: mx(5, 12, 30).getTime(),
  });
  await up(server.db);
  t.deepEqual(
    (await settlements()).map((s) => s.event_key),
    ['sandbox:evt-old', `proof:${proof.id}`],
  );
  const before = await bill();
  t.deepEqual((await notify({ reference: ref.reference, amount: '1000.00', eventId: 'evt-old' })).json(), { status: 200, outcome: 'duplicate' });
  t.is((await settlements()).length, 2, 'the retry is not booked twice');
  t.deepEqual(await bill(), before);
  await up(server.db);
  t.is((await settlements())[0].event_key, 'sandbox:evt-old', 'running it again changes nothing');
});
