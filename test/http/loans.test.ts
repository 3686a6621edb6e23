import test from 'ava';
import { dayOf, formatDay } from '../../src/domain/calendar.ts';
import { isUniqueViolation } from '../../src/data/db.ts';
import { insertLoan } from '../../src/data/repositories/loans.ts';
import { settleOnce } from '../../src/services/settlement.ts';
import { Client } from '../helpers/client.ts';
import { contractProblems, examples } from '../helpers/contract.ts';
import { borrow, signedInApp } from '../helpers/loans.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;
test.before(async () => {
  server = await startServer();
});
test.after.always(() => server?.close());

const DAY = 86_400_000;
const today = () => dayOf(server.clock.now().getTime(), server.config.timeZone);
const settle = (billId: number, amount: number, reference: string) =>
  settleOnce(server.db, server.clock, server.config, {
    billId,
    amount,
    reference,
    source: 'test',
    purpose: 'repay',
    paidAt: server.clock.now().getTime(),
    key: `test:${reference}`,
  });

test.serial('apply -> confirm -> disbursed -> due -> overdue -> settled -> quota grown -> reLoan', async (t) => {
  const { app, borrower } = await signedInApp(server);
  const start = today();
  // Moving the clock days ahead ends the session (30 idle minutes), so sign in again.
  const later = async (ms: number) => {
    server.clock.advance(ms);
    await app.postApp('/Index/ajaxSignIn', { username: borrower.phone, password: borrower.password });
  };

  const applied = await app.postApp('/Loan/reLoan', { money: '3000', time: '10' });
  t.deepEqual(applied.json(), examples['Loan/reLoan']);
  const waiting = (await app.getJson('/Repay/loans')).json().data;
  t.like(waiting, { confirm: 0, billId: '0', money: 3000, serviceFee: 1290, status: 0, loan_status: 'awaiting_confirmation' });
  t.like(waiting.bill, { id: '0', money: '3000.00', repay_interest: '216.00', delay: '0' }, 'a zero-valued bill, never null');

  const confirmed = await app.postApp('/Index/ajaxApply', { kfs_ack: '1' });
  t.deepEqual(confirmed.json(), examples['Index/ajaxApply']);

  const loans = (await app.getJson('/Repay/loans')).json();
  t.is(loans.message, 'Successfully');
  t.deepEqual(contractProblems(loans, examples['Repay/loans (borrower)'], 'body'), []);
  t.like(loans.data, {
    money: 3000,
    repay_money: 3216,
    loan_time: '10',
    confirm: 1,
    serviceFee: 1290,
    hasOverdue: false,
    nextRepayDay: formatDay(start + 10),
    delayFee: 1290,
    doquota: '2000.00',
    quota: '5000.00',
    status: 0,
    bill: { repay_interest: '216.00', money: '3000.00', delay: '0' },
  });
  const billId = Number(loans.data.billId);
  const oid = loans.data.bill.oid;
  t.regex(oid, /^\d{22}$/);

  // The due day itself is not overdue, whatever the hour.
  await later(10 * DAY + 5 * 3_600_000);
  t.is(today(), start + 10);
  t.is((await app.getJson('/Repay/loans')).json().data.status, 0);

  await later(DAY);
  const late = (await app.getJson('/Repay/loans')).json().data;
  t.like(late, { status: 1, hasOverdue: true });
  const detail = (await app.getJson(`/Repay/loanDetail?oid=${oid}`)).json().data;
  t.like(detail, { needRepayMoney: 3276, needRepaymentDay: formatDay(start + 10), bill: { overdue: '60.00', status: '1' } });
  const orders = (await app.getJson('/Repay/orders')).json().data.orders;
  t.like(orders[0], { overFee: 60, repay_money: 3276, status: 1 });

  await later(199 * DAY);
  const capped = (await app.getJson(`/Repay/loanDetail?oid=${oid}`)).json().data;
  t.like(capped, { needRepayMoney: 6216, bill: { overdue: '3000.00' } });

  // A partial payment goes to the late fee first and leaves the rest due.
  const partial = await settle(billId, 100_000, 'T-partial');
  t.like(partial.settlement, { overdue_part: 100_000, interest_part: 0, principal_part: 0 });
  t.like((await app.getJson(`/Repay/loanDetail?oid=${oid}`)).json().data, { needRepayMoney: 5216, bill: { repaid_money: '1000.00' } });

  await settle(billId, 521_600, 'T-rest');
  const repaid = (await app.getJson('/Repay/loans')).json().data;
  t.like(repaid, { status: 2, loan_status: 'repaid', quota: '5000.00' }, 'a late repayment does not grow the quota');
  t.like((await app.getJson(`/Repay/loanDetail?oid=${oid}`)).json().data, { needRepayMoney: 0, bill: { status: '2', overdue: '3000.00' } });

  // A new loan, repaid on time, grows the quota.
  const second = await borrow(t, app, '5000', '7');
  t.is(second.status, 0);
  await later(6 * DAY);
  await settle(Number(second.billId), 525_200, 'T-ontime');
  const grown = (await app.getJson('/Repay/loans')).json().data;
  t.like(grown, { status: 2, quota: '6000.00', next_loan: '6000', approval_rate: '1.00', next_loan_period: '7' });
  t.is((await server.db('borrowers').where({ id: borrower.id }).first()).on_time_repayments, 1);

  // reLoan with no amount borrows the (grown) quota over the default term.
  t.is((await app.postApp('/Loan/reLoan', {})).status, 200);
  t.like((await app.getJson('/Repay/loans')).json().data, { money: 6000, loan_time: '7', confirm: 0 });
});

test.serial('Repay/orders lists disbursed loans newest first with the spec fields and types', async (t) => {
  const { app } = await signedInApp(server);
  const first = await borrow(t, app, '2000', '7');
  await settle(Number(first.billId), 210_080, 'T-orders-1');
  await borrow(t, app, '3000', '15');
  const body = (await app.getJson('/Repay/orders')).json();
  t.deepEqual(contractProblems(body, examples['Repay/orders'], 'body'), []);
  t.deepEqual(
    body.data.orders.map((o: { money: string; status: number; time: string }) => [o.money, o.status, o.time]),
    [['3000', 0, '15'], ['2000', 2, '7']],
  );
  t.like(body.data.orders[1], { interest: '602.00', reply_rate: '0.00720000', repay_interest: 100.8, repay_money: 2100.8 });
  const posted = await app.postApp('/Repay/orders', { username: 'ignored', password: 'ignored' });
  t.deepEqual(posted.json(), body, 'the spec POST form works; its credentials are ignored');
});

test.serial('Repay/loanDetail matches the spec fields and types', async (t) => {
  const { app } = await signedInApp(server);
  const data = await borrow(t, app, '3000', '10');
  const body = (await app.getJson(`/Repay/loanDetail?oid=${data.bill.oid}`)).json();
  t.deepEqual(contractProblems(body, examples['Repay/loanDetail'], 'body'), []);
  const posted = await app.postApp('/Repay/loanDetail', { oid: data.bill.oid });
  t.deepEqual(posted.json(), body);
});

test.serial("a borrower cannot read another borrower's order, and gets the same 404 as for an unknown one", async (t) => {
  const owner = await signedInApp(server);
  const data = await borrow(t, owner.app, '3000', '10');
  const other = await signedInApp(server);
  const foreign = await other.app.getJson(`/Repay/loanDetail?oid=${data.bill.oid}`);
  const unknown = await other.app.getJson('/Repay/loanDetail?oid=2026030200000000000000');
  t.is(foreign.json().status, 404);
  t.is(foreign.text, unknown.text);
  t.false(foreign.text.includes(data.bill.oid));
  const page = await new Client(server.url).get(`/Repay/loanDetail?oid=${data.bill.oid}`);
  t.is(page.status, 302, 'a visitor is sent to sign in');
  t.is((await other.app.getJson('/Repay/loanDetail')).json().status, 422);
});

test.serial('bad amounts and terms answer 422 with a localized message and create nothing', async (t) => {
  const { app, borrower } = await signedInApp(server);
  const cases: Array<[Record<string, string>, string, string]> = [
    [{ money: '-5' }, 'money', 'Enter an amount like 3000 or 3000.50.'],
    [{ money: '1e309' }, 'money', 'Enter an amount like 3000 or 3000.50.'],
    [{ money: '100.005' }, 'money', 'Enter an amount like 3000 or 3000.50.'],
    [{ money: '9007199254740993' }, 'money', 'Enter an amount like 3000 or 3000.50.'],
    [{ money: '3000', time: '9' }, 'time', 'Choose one of the offered terms.'],
    [{ money: '3000', time: '7.5' }, 'time', 'Choose one of the offered terms.'],
    [{ money: '6000' }, 'money', 'The amount is above your credit limit.'],
    [{ money: '500' }, 'money', 'The amount is below the minimum.'],
    [{ money: '3050.50' }, 'money', 'Choose an amount in the allowed steps.'],
  ];
  for (const [fields, , message] of cases) {
    const res = await app.postApp('/Loan/reLoan', fields);
    t.is(res.json().status, 422, JSON.stringify(fields));
    t.deepEqual(res.json(), { status: 422, message, data: '' }, JSON.stringify(fields));
  }
  const json = await app.request('POST', '/Loan/reLoan', {
    body: '{"money": 1e309, "time": 10}',
    headers: { 'Content-Type': 'application/json', 'X-Requested-With': 'XMLHttpRequest', Accept: 'application/json' },
  });
  t.is(json.json().status, 422);
  const es = await app.postApp('/Loan/reLoan', { money: '-5' }, { 'Accept-Language': 'es' });
  t.is(es.json().message, 'Escribe un monto como 3000 o 3000.50.');
  t.is((await server.db('loans').where({ borrower_id: borrower.id })).length, 0);
});

test.serial('one open loan: a second application answers 409', async (t) => {
  const { app } = await signedInApp(server);
  t.is((await app.postApp('/Loan/reLoan', { money: '2000' })).status, 200);
  const again = await app.postApp('/Loan/reLoan', { money: '2000' });
  t.is(again.json().status, 409);
  t.is(again.json().message, 'You already have a loan in progress.');
  await app.postApp('/Index/ajaxApply', { kfs_ack: '1' });
  t.is((await app.postApp('/Loan/reLoan', { money: '1000' })).json().status, 409);
});

test.serial('20 concurrent confirmations create exactly one bill; 20 concurrent applications one loan', async (t) => {
  const { app, borrower } = await signedInApp(server);
  const applications = await Promise.all(Array.from({ length: 20 }, () => app.postApp('/Loan/reLoan', { money: '3000' })));
  t.is(applications.filter((r) => r.json().status === 200).length, 1);
  t.true(applications.every((r) => r.status === 200 && [200, 409].includes(r.json().status)));
  const confirmations = await Promise.all(Array.from({ length: 20 }, () => app.postApp('/Index/ajaxApply', { kfs_ack: '1' })));
  t.true(confirmations.every((r) => r.json().status === 200), 'a double click answers like the first click');
  t.is((await server.db('loans').where({ borrower_id: borrower.id })).length, 1);
  t.is((await server.db('bills').where({ borrower_id: borrower.id })).length, 1);
});

test.serial('ajaxApply with nothing to confirm answers 409; a page GET ajaxApply needs a token, the app none', async (t) => {
  const { app } = await signedInApp(server);
  const nothing = await app.postApp('/Index/ajaxApply', { kfs_ack: '1' });
  t.is(nothing.json().status, 409);
  t.is(nothing.json().message, 'There is no application waiting for confirmation.');
  await app.postApp('/Loan/reLoan', { money: '2000' });
  const page = await app.get('/Index/ajaxApply?kfs_ack=1');
  t.is(page.status, 403, 'a browser page without the token');
  const crossSite = await app.request('GET', '/Index/ajaxApply?kfs_ack=1', { headers: { 'Sec-Fetch-Site': 'cross-site' } });
  t.is(crossSite.json().status, 403);
  const asApp = await app.appRequest('GET', '/Index/ajaxApply?kfs_ack=1');
  t.deepEqual(asApp.json(), examples['Index/ajaxApply']);
});

test.serial('settlement is idempotent per event and keeps money beyond what is owed', async (t) => {
  const { app } = await signedInApp(server);
  const data = await borrow(t, app, '2000', '7');
  const billId = Number(data.billId);
  const first = await settle(billId, 250_000, 'T-same');
  t.true(first.applied);
  t.like(first.settlement, { principal_part: 200_000, interest_part: 10_080, excess: 39_920 });
  const again = await settle(billId, 250_000, 'T-same');
  t.false(again.applied);
  t.is(again.settlement.id, first.settlement.id);
  const copies = await Promise.all(Array.from({ length: 10 }, () => settle(billId, 250_000, 'T-same')));
  t.true(copies.every((c) => !c.applied));
  t.is((await server.db('settlements').where({ bill_id: billId })).length, 1);
  const bill = await server.db('bills').where({ id: billId }).first();
  t.like(bill, { status: 'repaid', principal_paid: 200_000, interest_paid: 10_080, excess_paid: 39_920 });
  // Money for a bill already repaid is recorded as excess, not lost.
  const late = await settle(billId, 5_000, 'T-after');
  t.like(late.settlement, { excess: 5_000, principal_part: 0 });
  await t.throwsAsync(settle(billId, 0, 'T-zero'), { message: 'invalid_amount' });
});

test.serial('the database itself refuses a second open loan for a borrower', async (t) => {
  const { borrower } = await signedInApp(server);
  const row = {
    borrower_id: borrower.id,
    principal: 100_000,
    term_days: 7,
    loan_rate_ppm: 43_000,
    repay_rate_ppm: 7_200,
    overdue_rate_ppm: 20_000,
    overdue_cap_ppm: 1_000_000,
    fee: 30_100,
    received: 69_900,
    repay_interest: 5_040,
    created_at: Date.now(),
  };
  await insertLoan(server.db, { ...row, oid: 'U1', status: 'rejected' });
  await insertLoan(server.db, { ...row, oid: 'U2', status: 'awaiting_confirmation' });
  // better-sqlite3's SqliteError does not pass ava's instanceof Error check, hence `any`.
  const err = await t.throwsAsync(insertLoan(server.db, { ...row, oid: 'U3', status: 'disbursed' }), { any: true });
  t.true(isUniqueViolation(err));
  t.false(isUniqueViolation(new Error('something else')));
});
