import test from 'ava';
import { dayOf, isoDay } from '../../src/domain/calendar.ts';
import { formatPlain } from '../../src/domain/money.ts';
import { formatters } from '../../src/presenters/format.ts';
import { approveLoan, clabeEnding, loanInReview, payoutCallback, payoutsOfLoan, startManualReview, useAccount } from '../helpers/payouts.ts';
import { notify, reference } from '../helpers/payments.ts';
import type { TestServer } from '../helpers/server.ts';
import { staffClient } from '../helpers/staff.ts';

let server: TestServer;
let staffId: number;
test.before(async () => ({ server, staffId } = await startManualReview({ PAYOUT_STUCK_MINUTES: '60' })));
test.after.always(() => server?.close());

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const money = (minor: number) => formatters('en', server.config).money(minor);

/** The cells of the table row with this id, as text. */
function cells(html: string, id: string): string[] {
  const row = new RegExp(`<tr[^>]*id="${id}"[^>]*>([\\s\\S]*?)</tr>`).exec(html);
  if (!row) throw new Error(`no row ${id}`);
  return [...row[1]!.matchAll(/<t[dh][^>]*>([\s\S]*?)<\/t[dh]>/g)].map((m) => m[1]!.replace(/<[^>]+>/g, '').replace(/&#39;/g, "'").trim());
}

/** RFC 4180 CSV (every cell quoted, "" inside) into rows of cells. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  for (const line of text.replace(/^\uFEFF/, '').split('\r\n').filter(Boolean)) {
    rows.push([...line.matchAll(/"((?:[^"]|"")*)"(?:,|$)/g)].map((m) => m[1]!.replaceAll('""', '"')));
  }
  return rows;
}

test.serial('reconciliation: by state, stuck ones, per-day totals across days with a failed and a returned payout, and the CSV', async (t) => {
  const day1 = dayOf(server.clock.now().getTime(), server.config.timeZone);
  // Day 1: A arrives at once, B is accepted late, C is refused.
  const a = await loanInReview(server, undefined, '2000');
  await approveLoan(server, a.loan.id, staffId);
  const b = await loanInReview(server, '2222', '1500');
  await approveLoan(server, b.loan.id, staffId);
  const c = await loanInReview(server, '1111', '1000');
  await approveLoan(server, c.loan.id, staffId);
  // Day 2: D arrives at once, B's confirmation comes in.
  server.clock.advance(DAY);
  const d = await loanInReview(server, undefined, '3000');
  await approveLoan(server, d.loan.id, staffId);
  const [pb] = await payoutsOfLoan(server, b.loan.id);
  t.is((await payoutCallback(server, { idempotency_key: pb.idempotency_key, status: 'paid' })).json().outcome, 'paid');
  // Day 3: A's money comes back; E and F are accepted late; F then fails with a reason a spreadsheet would run.
  server.clock.advance(DAY);
  const [pa] = await payoutsOfLoan(server, a.loan.id);
  t.is((await payoutCallback(server, { idempotency_key: pa.idempotency_key, status: 'returned' })).json().outcome, 'returned');
  const e = await loanInReview(server, '2222', '1200');
  await approveLoan(server, e.loan.id, staffId);
  const f = await loanInReview(server, '2222', '1100');
  await approveLoan(server, f.loan.id, staffId);
  const [pf] = await payoutsOfLoan(server, f.loan.id);
  const hostile = '=HYPERLINK("http://evil.test","x")';
  t.is((await payoutCallback(server, { idempotency_key: pf.idempotency_key, status: 'failed', reason: hostile })).json().outcome, 'failed');
  // Two hours later E has waited longer than PAYOUT_STUCK_MINUTES; G, just sent, has not.
  server.clock.advance(2 * HOUR);
  const g = await loanInReview(server, '2222', '1300');
  await approveLoan(server, g.loan.id, staffId);

  const received = async (x: { loan: { id: number } }) => (await server.db('loans').where({ id: x.loan.id }).first()).received as number;
  const [ra, rb, rc, rd, re, rf, rg] = await Promise.all([a, b, c, d, e, f, g].map(received));

  const admin = await staffClient(server, 'admin');
  const from = isoDay(day1);
  const to = isoDay(day1 + 2);
  const res = await admin.c.get(`/support/payouts?from=${from}&to=${to}`);
  t.is(res.status, 200, res.text);
  t.deepEqual(cells(res.text, 'state-pending').slice(1), ['2', money(re! + rg!)]);
  t.deepEqual(cells(res.text, 'state-paid').slice(1), ['2', money(rb! + rd!)]);
  t.deepEqual(cells(res.text, 'state-failed').slice(1), ['2', money(rc! + rf!)]);
  t.deepEqual(cells(res.text, 'state-returned').slice(1), ['1', money(ra!)]);
  // Stuck: only E.
  const stuck = /<section id="stuck">([\s\S]*?)<\/section>/.exec(res.text)![1]!;
  t.true(stuck.includes(e.loan.oid));
  t.false(stuck.includes(g.loan.oid));
  t.false(stuck.includes(b.loan.oid));
  // Per day, by the provider's confirmation day: A on day 1, B and D on day 2, A back on day 3.
  t.deepEqual(cells(res.text, `day-${isoDay(day1)}`).slice(1), ['1', money(ra!), '0', money(0), money(ra!)]);
  t.deepEqual(cells(res.text, `day-${isoDay(day1 + 1)}`).slice(1), ['2', money(rb! + rd!), '0', money(0), money(rb! + rd!)]);
  t.deepEqual(cells(res.text, `day-${isoDay(day1 + 2)}`).slice(1), ['0', money(0), '1', money(ra!), `-${money(ra!)}`]);
  t.deepEqual(cells(res.text, 'day-total').slice(1), ['3', money(ra! + rb! + rd!), '1', money(ra!), money(rb! + rd!)]);
  // A day range that starts later leaves day 1 out.
  const later = await admin.c.get(`/support/payouts?from=${isoDay(day1 + 1)}&to=${to}`);
  t.deepEqual(cells(later.text, 'day-total').slice(1), ['2', money(rb! + rd!), '1', money(ra!), money(rb! + rd! - ra!)]);
  // One state's list.
  const failedOnly = await admin.c.get(`/support/payouts?status=failed`);
  const recent = /<section id="recent">([\s\S]*?)<\/section>/.exec(failedOnly.text)![1]!;
  t.true(recent.includes(c.loan.oid) && recent.includes(f.loan.oid));
  t.false(recent.includes(d.loan.oid));

  const csv = await admin.c.get(`/support/payouts/csv?from=${from}&to=${to}`);
  t.is(csv.status, 200);
  t.is(csv.headers.get('content-type'), 'text/csv; charset=utf-8');
  t.is(csv.headers.get('content-disposition'), `attachment; filename="cuota-payouts-${from}-${to}.csv"`);
  const rows = parseCsv(csv.text);
  const header = rows[0]!;
  t.is(rows.length, 1 + 7, csv.text);
  const col = (name: string) => header.indexOf(name);
  const byLoan = new Map(rows.slice(1).map((r) => [r[col('loan')]!, r]));
  t.is(byLoan.get(a.loan.oid)![col('amount')], formatPlain(ra!));
  t.is(byLoan.get(a.loan.oid)![col('status')], 'returned');
  t.is(byLoan.get(a.loan.oid)![col('arrival day')], isoDay(day1));
  t.is(byLoan.get(d.loan.oid)![col('amount')], formatPlain(rd!));
  t.regex(byLoan.get(d.loan.oid)![col('amount')]!, /^\d+\.\d{2}$/);
  t.regex(byLoan.get(d.loan.oid)![col('account')]!, /^•••• \d{4}$/);
  t.false(csv.text.includes(d.borrower.phone), 'phones are masked');
  t.false(csv.text.includes(d.borrower.clabe), 'never a full account number');
  // The provider's hostile reason cannot run as a formula: it starts with an apostrophe, quoted.
  t.is(byLoan.get(f.loan.oid)![col('reason')], `'${hostile}`);
  t.true(csv.text.includes(`"'=HYPERLINK(""http://evil.test"",""x"")"`));
  t.false(/(^|,)"?[=+\-@]/m.test(csv.text.replace(/^\uFEFF/, '')), 'no cell starts with a formula character');
  t.truthy(await server.db('audit_log').where({ action: 'export_payouts', staff_id: admin.staff.id }).first());
});

test.serial('support staff are refused the reconciliation and its export; a bad range is a clear error in either language', async (t) => {
  const support = await staffClient(server, 'support');
  t.is((await support.c.get('/support/payouts')).status, 403);
  t.is((await support.c.get('/support/payouts/csv')).status, 403);
  const visitor = await new (await import('../helpers/client.ts')).Client(server.url).get('/support/payouts/csv');
  t.is(visitor.status, 302);
  const admin = await staffClient(server, 'admin');
  const backwards = await admin.c.get('/support/payouts?from=2026-03-05&to=2026-03-01');
  t.is(backwards.status, 422);
  t.regex(backwards.text, /at most 92 days/);
  const tooLong = await admin.c.get('/support/payouts/csv?from=2025-01-01&to=2026-03-01&lang=es');
  t.is(tooLong.status, 422);
  t.regex(tooLong.text, /92 días como máximo/);
  t.is((await admin.c.get('/support/payouts?from=2026-02-30')).status, 422);
  t.is((await admin.c.get('/support/payouts?status=lost')).status, 422);
});

test.serial('money paid on a bill whose payout then came back is owed to the borrower (shown to staff), and counts again once a retry arrives', async (t) => {
  const { app, borrower, loan } = await loanInReview(server, undefined, '2000');
  await approveLoan(server, loan.id, staffId);
  const url = (await app.postApp('/Repay/payData', { oid: loan.oid })).json().data;
  const ref = (await reference(url, 1)).json().data;
  t.is((await notify(server, { reference: ref.reference, amount: '500.00' })).status, 200);
  server.clock.advance(DAY);
  const [p] = await payoutsOfLoan(server, loan.id);
  t.is((await payoutCallback(server, { idempotency_key: p.idempotency_key, status: 'returned' })).json().outcome, 'returned');
  t.like((await payoutsOfLoan(server, loan.id))[0], { status: 'returned', refund_due: 50_000 });
  t.like(await server.db('bills').where({ loan_id: loan.id }).first(), { status: 'cancelled' });
  const admin = await staffClient(server, 'admin');
  const page = await admin.c.get('/support/payouts?status=returned');
  t.regex(page.text, new RegExp(`${loan.oid}[\\s\\S]*?owed to them: ${money(50_000).replace(/[$.]/g, '\\$&')}`));
  const csv = parseCsv((await admin.c.get('/support/payouts/csv')).text);
  t.is(csv.find((r) => r[1] === loan.oid)![csv[0]!.indexOf('refund due')], '500.00');
  // Sent again to another account: the bill opens from the new arrival, the 500.00 counts, nothing is owed back.
  t.is((await app.postApp('/Index/ajaxSignIn', { username: borrower.phone, password: borrower.password })).json().status, 200);
  await useAccount(server, borrower.id, clabeEnding('6666'));
  t.like((await app.postApp('/Loan/payoutRetry', {})).json(), { data: { loan_status: 'disbursed' } });
  t.like((await payoutsOfLoan(server, loan.id))[0], { refund_due: 0 });
  const detail = (await app.getJson(`/Repay/loanDetail?oid=${loan.oid}`)).json().data;
  t.is(detail.bill.repaid_money, '500.00');
});
