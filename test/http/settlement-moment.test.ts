import test from 'ava';
import { Client } from '../helpers/client.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { reference } from '../helpers/payments.ts';
import { link, mx, settlementOn } from '../helpers/settlement.ts';
import { staffClient } from '../helpers/staff.ts';

// Issue 13: money is priced at the moment the borrower paid, and every peso that arrives is booked.
// Loan 3000 over 10 days from 2 March 2026 (Mexico City, UTC-6): due 12 March, 3216.00 at maturity.

let server: TestServer;
test.before(async () => {
  server = await startServer();
});
test.after.always(() => server?.close());

const { notify, withLoan } = settlementOn(() => server);

test.serial('case 1: a repay link made at 23:50 on the due day and paid in full at 00:10 settles the loan, on time', async (t) => {
  const { app, borrower, loan, at, bill } = await withLoan(t);
  await at(mx(12, 23, 50));
  const ref = await link(app, loan.oid);
  t.is(ref.money, '3216.00', 'frozen at 23:50');
  await at(mx(13, 0, 10));
  t.deepEqual((await notify({ reference: ref.reference, amount: '3216.00' })).json(), { status: 200, outcome: 'settled' });
  t.like(await bill(), { status: 'repaid', overdue_paid: 0 });
  t.like((await app.getJson('/Repay/loans')).json().data, { status: 2, loan_status: 'repaid' });
  t.is((await server.db('borrowers').where({ id: borrower.id }).first()).quota, 600_000, 'an on-time repayment grows the quota');
  // A week later nothing is owed.
  await at(mx(20, 12, 0));
  t.like((await app.getJson(`/Repay/loanDetail?oid=${loan.oid}`)).json().data, { needRepayMoney: 0 });
});

test.serial("case 2: the provider's paid_at prices the payment, not the notification's arrival (bounded both ways)", async (t) => {
  const { app, loan, at } = await withLoan(t);
  await at(mx(12, 12, 0));
  const ref = await link(app, loan.oid);
  // Paid 1000.00 at 12:05 on the due day; the provider tells us at 01:00 the next day.
  await at(mx(13, 1, 0));
  t.deepEqual((await notify({ reference: ref.reference, amount: '1000.00', paidAt: mx(12, 12, 5) })).json(), { status: 200, outcome: 'partial' });
  const s = await server.db('settlements').where({ reference: ref.reference }).first();
  t.like(s, { overdue_part: 0, interest_part: 21_600, principal_part: 78_400, paid_at: mx(12, 12, 5).getTime() }, 'no late fee: it was paid on the due day');

  // A paid_at before the reference existed counts from the reference's issue; one in the future, from now.
  const other = await withLoan(t);
  await other.at(mx(13, 9, 0));
  const late = await link(other.app, other.loan.oid);
  t.is(late.money, '3276.00', 'one day late: 60.00 late fee');
  t.deepEqual((await notify({ reference: late.reference, amount: '100.00', paidAt: mx(1, 0, 0) })).json(), { status: 200, outcome: 'partial' });
  t.like(await server.db('settlements').where({ reference: late.reference }).first(), { overdue_part: 6000, paid_at: mx(13, 9, 0).getTime() });
  const future = await notify({ reference: late.reference, amount: '100.00', paidAt: mx(30, 0, 0) });
  t.is(future.status, 200);
  const rows = await server.db('settlements').where({ reference: late.reference }).orderBy('id');
  t.is(rows[1].paid_at, server.clock.now().getTime(), 'never later than the notification');
});

test.serial('case 3: a proof sent at noon on the due day and approved two days later has no late fee; so has an extension proof', async (t) => {
  const { app, loan, at, bill } = await withLoan(t);
  await at(mx(12, 12, 0));
  const sent = await app.postApp('/Repay/repayProof', { oid: loan.oid, utr: '481516234200' });
  t.is(sent.json().status, 1, sent.text);
  const proof = await server.db('proofs').where({ bill_id: Number(loan.billId) }).first();

  const other = await withLoan(t);
  await other.at(mx(12, 12, 0));
  t.is((await other.app.postApp('/Repay/repayProof', { oid: other.loan.oid, utr: '481516234201' })).json().status, 1);
  const delayProof = await server.db('proofs').where({ bill_id: Number(other.loan.billId) }).first();

  server.clock.set(mx(14, 12, 0));
  const { c, token } = await staffClient(server);
  t.is((await c.postForm(`/support/proofs/${proof.id}`, { _csrf: token, decision: 'approve', amount: '3216.00', purpose: 'repay' })).status, 303);
  t.like(await bill(), { status: 'repaid', overdue_paid: 0 });
  t.like(await server.db('settlements').where({ reference: `proof:${proof.id}` }).first(), { overdue_part: 0, excess: 0, paid_at: mx(12, 12, 0).getTime() });

  // The extension cost 1290.00 at noon on the due day; two days later it would cost 1410.00.
  t.is((await c.postForm(`/support/proofs/${delayProof.id}`, { _csrf: token, decision: 'approve', amount: '1290.00', purpose: 'delay' })).status, 303);
  t.like(await other.bill(), { delay_count: 1, overdue_paid: 0, extension_paid: 129_000 });
  t.like(await server.db('settlements').where({ reference: `proof:${delayProof.id}` }).first(), { purpose: 'delay', note: null });
  // The app hears of an extension however it was bought, once.
  await other.at(mx(14, 12, 5));
  t.like((await other.app.postApp('/Repay/ajaxDelay', { oid: other.loan.billId })).json(), { status: 200, message: 'Deferred success' });
  t.is((await other.app.postApp('/Repay/ajaxDelay', { oid: other.loan.billId })).json().status, 402, 'the next one must be paid for');
});

test.serial('case 4: an extension link priced at 23:50 and paid at 00:10 extends; a delay paid as a repayment is not "Deferred success"', async (t) => {
  const { app, loan, at, bill } = await withLoan(t);
  await at(mx(12, 23, 50));
  const asked = await app.postApp('/Repay/ajaxDelay', { oid: loan.billId });
  t.is(asked.json().status, 402);
  const ref = (await reference(asked.json().data, 1)).json().data;
  t.is(ref.money, '1290.00');
  await at(mx(13, 0, 10));
  t.deepEqual((await notify({ reference: ref.reference, amount: '1290.00' })).json(), { status: 200, outcome: 'extended' });
  t.like(await bill(), { delay_count: 1, overdue_paid: 0 });
  const done = await app.postApp('/Repay/ajaxDelay', { oid: loan.billId });
  t.like(done.json(), { status: 200, message: 'Deferred success' });
  t.like((await app.getJson('/Repay/loans')).json().data, { status: 4, hasOverdue: false, nextRepayDay: '22-03-2026' });

  // Money for an extension that no longer covers it (link expired, price rose) becomes a repayment, and says so.
  const other = await withLoan(t);
  await other.at(mx(12, 12, 0));
  const short = (await reference((await other.app.postApp('/Repay/ajaxDelay', { oid: other.loan.billId })).json().data, 1)).json().data;
  await other.at(mx(16, 12, 0));
  t.deepEqual((await notify({ reference: short.reference, amount: '1290.00' })).json(), { status: 200, outcome: 'delay_applied_as_repayment' });
  t.like(await other.bill(), { delay_count: 0 });
  const again = await other.app.postApp('/Repay/ajaxDelay', { oid: other.loan.billId });
  t.is(again.json().status, 402, 'no extension moved the due day: pay for one');
  const page = await other.app.get(`/Repay/loanDetail?oid=${other.loan.oid}`, { Accept: 'text/html' });
  t.regex(page.text, /Booked as a repayment: The amount did not cover the extension&#39;s price\./);
});

test.serial('case 5: the app can buy up to DELAY_MAX extensions through ajaxDelay, each reported once', async (t) => {
  const { app, loan, at, bill } = await withLoan(t);
  await at(mx(3, 12, 0));
  const days = ['22-03-2026', '01-04-2026', '11-04-2026'];
  for (const [i, day] of days.entries()) {
    const asked = await app.postApp('/Repay/ajaxDelay', { oid: loan.billId });
    t.is(asked.json().status, 402, `extension ${i + 1} must be paid first`);
    const ref = (await reference(asked.json().data, 2)).json().data;
    t.is((await notify({ reference: ref.reference, amount: ref.money })).json().outcome, 'extended');
    if (i === 0) {
      // A burst of taps: one hears "Deferred success", the others are offered the next extension.
      const taps = await Promise.all(Array.from({ length: 6 }, () => app.postApp('/Repay/ajaxDelay', { oid: loan.billId })));
      t.is(taps.filter((r) => r.status === 200 && r.json().message === 'Deferred success').length, 1);
      t.is(taps.filter((r) => r.json().status === 402).length, 5);
    } else {
      t.like((await app.postApp('/Repay/ajaxDelay', { oid: loan.billId })).json(), { status: 200, message: 'Deferred success' });
    }
    t.is((await app.getJson('/Repay/loans')).json().data.nextRepayDay, day);
  }
  t.like(await bill(), { delay_count: 3, delays_reported: 3 });
  const refused = await app.postApp('/Repay/ajaxDelay', { oid: loan.billId });
  t.is(refused.json().status, 409);
  t.regex(refused.json().message, /every extension/);
});

test.serial('issue 15 item 11: paying both references of one extension buys one extension; the second is a repayment', async (t) => {
  const { app, loan, at, bill } = await withLoan(t);
  await at(mx(3, 12, 0));
  const url = (await app.postApp('/Repay/ajaxDelay', { oid: loan.billId })).json().data;
  const stp = (await reference(url, 1)).json().data;
  const cash = (await reference(url, 2)).json().data;
  t.is((await notify({ reference: stp.reference, amount: stp.money })).json().outcome, 'extended');
  t.is((await notify({ reference: cash.reference, amount: cash.money })).json().outcome, 'delay_applied_as_repayment');
  t.like(await bill(), { delay_count: 1, due_day: (await bill()).start_day + 20 });
  const second = await server.db('settlements').where({ reference: cash.reference }).first();
  t.like(second, { purpose: 'repay', amount: 129_000, note: 'errors.delay_used' });
  t.like((await app.getJson(`/Repay/loanDetail?oid=${loan.oid}`)).json().data, { needRepayMoney: 321_600 / 100 - 1290 });
  const page = await app.get(`/Repay/loanDetail?oid=${loan.oid}`, { Accept: 'text/html' });
  t.regex(page.text, /Booked as a repayment: That extension link had already bought its extension/);
  t.like((await app.postApp('/Repay/ajaxDelay', { oid: loan.billId })).json(), { status: 200, message: 'Deferred success' }, 'one extension, reported once');
  t.is((await app.postApp('/Repay/ajaxDelay', { oid: loan.billId })).json().status, 402);
});

test.serial('case 6: a return priced on day 1 at 23:50 and paid at 00:10 on day 2 returns the loan for 1753.20', async (t) => {
  const { app, loan, at, bill } = await withLoan(t);
  await at(mx(3, 23, 50));
  const offer = await app.postApp('/Repay/exit', { oid: loan.oid });
  t.is(offer.status, 200);
  const ref = (await reference(offer.json().data, 1)).json().data;
  t.is(ref.money, '1753.20', '1710.00 received + 2 days of 21.60');
  await at(mx(4, 0, 10));
  t.deepEqual((await notify({ reference: ref.reference, amount: '1753.20' })).json(), { status: 200, outcome: 'cancelled' });
  t.like(await bill(), { status: 'cancelled', principal_paid: 171_000, interest_paid: 4320 });
  t.like((await app.getJson('/Repay/loans')).json().data, { loan_status: 'cancelled' });
  // A returned loan takes no proofs.
  const proof = await app.postApp('/Repay/repayProof', { oid: loan.oid, utr: '481516234299' });
  t.is(proof.json().status, 0);
  t.regex(proof.json().info, /returned/);
  t.is((await server.db('proofs').where({ bill_id: Number(loan.billId) })).length, 0);
});

test.serial('case 7: 3300.00 against a 3216.00 reference is credited; 84.00 is kept as excess, shown to borrower and staff', async (t) => {
  const { app, borrower, loan, at, bill } = await withLoan(t);
  await at(mx(5, 12, 0));
  const ref = await link(app, loan.oid);
  const res = await notify({ reference: ref.reference, amount: '3300.00' });
  t.deepEqual(res.json(), { status: 200, outcome: 'settled_with_excess' });
  const b = await bill();
  t.like(b, { status: 'repaid', excess_paid: 8400 });
  t.is(b.principal_paid + b.interest_paid + b.overdue_paid + b.excess_paid, 330_000, 'reconciles to the cent');
  t.like(await server.db('payment_references').where({ reference: ref.reference }).first(), { status: 'paid', paid_amount: 330_000 });
  const page = await app.get(`/Repay/loanDetail?oid=${loan.oid}`, { Accept: 'text/html' });
  t.regex(page.text, /We hold MX\$84\.00 you paid beyond what you owed/);
  const { c } = await staffClient(server, 'admin');
  const staffPage = await c.get(`/support/borrowers?phone=${encodeURIComponent(borrower.phone)}`);
  t.regex(staffPage.text, /MX\$3,300\.00 \(MX\$84\.00 more than owed, to be refunded\)/);
});

test.serial('case 8: several transfers to one CLABE are each credited once, by event id, to the exact sum', async (t) => {
  const { app, loan, at, bill } = await withLoan(t);
  await at(mx(5, 12, 0));
  const ref = await link(app, loan.oid);
  t.deepEqual((await notify({ reference: ref.reference, amount: '1000.00', eventId: 'evt-a' })).json(), { status: 200, outcome: 'partial' });
  t.deepEqual((await notify({ reference: ref.reference, amount: '2216.00', eventId: 'evt-b' })).json(), { status: 200, outcome: 'settled' });
  t.deepEqual((await notify({ reference: ref.reference, amount: '2216.00', eventId: 'evt-b' })).json(), { status: 200, outcome: 'duplicate' }, 'a replayed event');
  t.like(await bill(), { status: 'repaid' });
  t.like(await server.db('payment_references').where({ reference: ref.reference }).first(), { paid_amount: 321_600 });
  const rows = await server.db('settlements').where({ reference: ref.reference });
  t.is(rows.length, 2);

  // A burst: five deposits of 100.00 at once, each sent three times, on a second loan.
  const other = await withLoan(t);
  await other.at(mx(5, 12, 0));
  const r2 = await link(other.app, other.loan.oid);
  const events = Array.from({ length: 5 }, (_, i) => `burst-${i}-${crypto.randomUUID()}`);
  const answers = await Promise.all(events.flatMap((eventId) => [1, 2, 3].map(() => notify({ reference: r2.reference, amount: '100.00', eventId }))));
  t.true(answers.every((a) => a.status === 200));
  t.is(answers.filter((a) => a.json().outcome === 'partial').length, 5);
  t.is(answers.filter((a) => a.json().outcome === 'duplicate').length, 10);
  const booked = await server.db('settlements').where({ reference: r2.reference });
  t.is(booked.reduce((sum: number, s: { amount: number }) => sum + s.amount, 0), 50_000);
  const b = await other.bill();
  t.is(b.principal_paid + b.interest_paid + b.overdue_paid + b.excess_paid, 50_000);
  t.like((await other.app.getJson(`/Repay/loanDetail?oid=${other.loan.oid}`)).json().data, { needRepayMoney: 2716 });
});

test.serial('key facts and the payment page say how long a quoted amount holds', async (t) => {
  const { app, loan } = await withLoan(t);
  const facts = await app.get(`/Loan/keyFacts?oid=${loan.oid}`, { Accept: 'text/html' });
  t.regex(facts.text, /a payment link keeps the amount it shows for 72 hours/);
});
