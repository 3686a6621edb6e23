import test from 'ava';
import { Client } from '../helpers/client.ts';
import { pdfText } from '../helpers/pdf.ts';
import { borrow, signedInApp } from '../helpers/loans.ts';
import { notify, payInFull, reference } from '../helpers/payments.ts';
import { staffClient } from '../helpers/staff.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

// Serial: these tests move the server's clock.
let server: TestServer;
test.before(async () => {
  server = await startServer();
});
test.after.always(() => server?.close());

const DAY = 86_400_000;
const tokenOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)![1]!;

test.serial('confirming needs the key facts acknowledged; the acknowledgement is stored with its time and version', async (t) => {
  const { app, borrower } = await signedInApp(server);
  t.is((await app.postApp('/Loan/reLoan', { money: '3000', time: '10' })).status, 200);
  const refused = await app.postApp('/Index/ajaxApply', {});
  t.is(refused.json().status, 422);
  t.deepEqual(refused.json(), { status: 422, message: 'Please tick the box to confirm you have read the key facts.', data: '' });
  t.is((await app.postApp('/Index/ajaxApply', { kfs_ack: 'yes' })).json().status, 422, 'only kfs_ack=1 acknowledges');
  let loan = await server.db('loans').where({ borrower_id: borrower.id }).first();
  t.like(loan, { status: 'awaiting_confirmation', kfs_version: null, kfs_ack_at: null }, 'nothing changed');

  // The page shows the whole statement; without the tick it comes back with the error beside the box.
  const page = await app.get('/Loan/confirm', { Accept: 'text/html' });
  t.is(page.status, 200);
  // Yearly rates a borrower can read: whole percents past 1,000 %, and a 13-digit CAT as "more than 1,000,000%".
  t.regex(page.text, /data-kfs="apr">3,215%</);
  t.regex(page.text, /data-kfs="cat">more than 1,000,000%</);
  t.regex(page.text, /<h3>What the loan costs<\/h3>\s*<dl class="facts kfs-cost">/, 'the cost list is set apart from the due day');
  for (const text of ['Key facts statement', 'MX$60.00 for each day', 'MX$3,000.00 in total', 'within 3 days', 'grievance@cuota.test']) {
    t.true(page.text.includes(text), text);
  }
  const json = (await app.getJson('/Loan/confirm')).json().data.keyFacts;
  t.like(json, { version: '2026-11', apr: 32.146, received: '1710.00', amountDue: '3216.00', totalCost: '1506.00', extensionFee: '1290.00', coolingOffDays: 3 });
  const noTick = await app.postForm('/Index/ajaxApply', { _csrf: tokenOf(page.text) });
  t.is(noTick.status, 422);
  t.regex(noTick.text, /id="e-kfs_ack">Please tick the box/);
  // The box comes back in view: a summary at the top links to it, and the form's action carries its anchor (the page comes back scrolled to the box).
  t.regex(noTick.text, /class="alert error-summary" role="alert">.*<a href="#kfs-ack">Please tick the box/s);
  t.regex(noTick.text, /<form method="post" action="\/Index\/ajaxApply#kfs-ack">/);
  t.regex(noTick.text, /id="kfs-ack">\s*<p class="error" id="e-kfs_ack">[^<]*<\/p>\s*<label><input type="checkbox" name="kfs_ack" value="1" id="f-kfs_ack" aria-invalid="true" aria-describedby="e-kfs_ack">/);

  const done = await app.postForm('/Index/ajaxApply', { _csrf: tokenOf(page.text), kfs_ack: '1' });
  t.is(done.status, 303);
  loan = await server.db('loans').where({ borrower_id: borrower.id }).first();
  t.like(loan, { status: 'disbursed', kfs_version: '2026-11', kfs_ack_at: server.clock.now().getTime() });

  // The statement stays readable from the loan, with when it was acknowledged; only by its borrower.
  const facts = await app.getJson(`/Loan/keyFacts?oid=${loan.oid}`);
  t.like(facts.json().data, { oid: loan.oid, version: '2026-11', acknowledgedAt: Math.floor(loan.kfs_ack_at / 1000), apr: 32.146 });
  t.regex((await app.get(`/Repay/loanDetail?oid=${loan.oid}`, { Accept: 'text/html' })).text, /href="\/Loan\/keyFacts\?oid=/);
  const other = await signedInApp(server);
  t.is((await other.app.getJson(`/Loan/keyFacts?oid=${loan.oid}`)).json().status, 404);
});

test.serial('cooling-off: returning the loan costs what was received plus the days’ interest and closes it as cancelled', async (t) => {
  const { app, borrower } = await signedInApp(server);
  const data = await borrow(t, app, '3000', '10');
  server.clock.advance(1 * DAY);
  await app.signIn(borrower.phone, borrower.password);
  const offer = (await app.getJson(`/Repay/exit?oid=${data.oid}`)).json().data;
  // The day after disbursement: 2 days held (the disbursement day counts).
  // 1710.00 received + 3000.00 × 0.0072 × 2 days = 1753.20; the 1290.00 fee is waived.
  t.like(offer, { amount: '1753.20', interest: '43.20', waived: '1290.00', days_held: 2, refusal: null });
  t.regex((await app.get(`/Repay/loanDetail?oid=${data.oid}`, { Accept: 'text/html' })).text, /Return the loan: pay MX\$1,753\.20/);

  const exit = await app.postApp('/Repay/exit', { oid: data.oid });
  t.is(exit.status, 200);
  const paid = await payInFull(server, exit.json().data);
  t.is(paid.amount, '1753.20');
  const loan = await server.db('loans').where({ oid: data.oid }).first();
  t.like(loan, { status: 'cancelled' });
  const bill = await server.db('bills').where({ loan_id: loan.id }).first();
  t.like(bill, { status: 'cancelled', principal_paid: 171_000, interest_paid: 4320, overdue_paid: 0 });
  t.like(await server.db('settlements').where({ bill_id: bill.id }).first(), { purpose: 'exit', amount: 175_320, principal_part: 171_000, interest_part: 4320, excess: 0, left_after: 0 });
  t.like((await app.getJson('/Repay/loans')).json().data, { status: 2 });
  t.regex((await app.get(`/Repay/loanDetail?oid=${data.oid}`, { Accept: 'text/html' })).text, /Closed: returned in the cooling-off period/);
  t.is((await app.postApp('/Repay/exit', { oid: data.oid })).json().status, 409, 'once closed, nothing more to pay');
  // A returned loan leaves the borrower free to apply again.
  t.is((await app.postApp('/Loan/reLoan', { money: '1000', time: '7' })).status, 200);
});

test.serial('after the cooling-off days the offer is gone, and money for an old exit counts as a repayment', async (t) => {
  const { app, borrower } = await signedInApp(server);
  const data = await borrow(t, app, '3000', '10');
  const exit = await app.postApp('/Repay/exit', { oid: data.oid });
  const ref = (await reference(exit.json().data, 1)).json().data;
  t.is(ref.money, '1731.60', 'day one: 1710.00 + 21.60');
  server.clock.advance(4 * DAY);
  await app.signIn(borrower.phone, borrower.password);
  const offer = (await app.getJson(`/Repay/exit?oid=${data.oid}`)).json().data;
  t.is(offer.refusal, 'The cooling-off period for this loan is over.');
  const late = await app.postApp('/Repay/exit', { oid: data.oid });
  t.is(late.json().status, 409);
  t.is(late.json().message, 'The cooling-off period for this loan is over.');
  t.notRegex((await app.get(`/Repay/loanDetail?oid=${data.oid}`, { Accept: 'text/html' })).text, /Return the loan/);

  // The borrower paid the reference they got in time: the money is kept, as a repayment.
  t.is((await notify(server, { reference: ref.reference, amount: ref.money })).status, 200);
  const loan = await server.db('loans').where({ oid: data.oid }).first();
  t.is(loan.status, 'disbursed');
  const bill = await server.db('bills').where({ loan_id: loan.id }).first();
  t.like(await server.db('settlements').where({ bill_id: bill.id }).first(), { purpose: 'repay', amount: 173_160, left_after: 321_600 - 173_160 });
});

test.serial('a receipt shows the payment and what is left, as a page, JSON and PDF, to its borrower and staff only', async (t) => {
  const { app, borrower } = await signedInApp(server);
  const data = await borrow(t, app, '3000', '10');
  const url = (await app.postApp('/Repay/payData', { oid: data.oid })).json().data;
  const ref = (await reference(url, 1)).json().data;
  t.is((await notify(server, { reference: ref.reference, amount: '1000.00' })).status, 200);
  const settlement = await server.db('settlements').where({ reference: ref.reference }).first();
  t.truthy(settlement);

  // Once paid, a repayment is refused as an exit: the cooling-off offer goes away.
  t.is((await app.getJson(`/Repay/exit?oid=${data.oid}`)).json().data.refusal, 'The loan can no longer be returned: a payment or extension has already been made on it.');

  const receipt = (await app.getJson(`/Repay/receipt?id=${settlement.id}`)).json().data;
  const detail = (await app.getJson(`/Repay/loanDetail?oid=${data.oid}`)).json().data;
  t.like(receipt, { oid: data.oid, amount: '1000.00', reference: ref.reference, purpose: 'repay', left_to_pay: '2216.00', lender: 'Cuota Demo Lender' });
  // The receipt's figures are the bill's: paid 1000.00 of it, and what the detail page says is left.
  t.is(detail.bill.repaid_money, '1000.00');
  t.is(receipt.left_to_pay, (detail.needRepayMoney as number).toFixed(2));
  t.is(receipt.phone, `${borrower.phone.slice(0, 2)}******${borrower.phone.slice(-2)}`);
  t.is(receipt.paid_at, Math.floor(settlement.settled_at / 1000));

  const page = await app.get(`/Repay/receipt?id=${settlement.id}`, { Accept: 'text/html' });
  t.regex(page.text, new RegExp(`${ref.reference}[\\s\\S]*MX\\$2,216\\.00`));
  t.regex((await app.get(`/Repay/loanDetail?oid=${data.oid}`, { Accept: 'text/html' })).text, new RegExp(`href="/Repay/receipt/pdf\\?id=${settlement.id}"`));

  const pdf = await app.get(`/Repay/receipt/pdf?id=${settlement.id}`);
  t.is(pdf.status, 200);
  t.is(pdf.headers.get('content-type'), 'application/pdf');
  t.regex(pdf.headers.get('content-disposition')!, /^attachment; filename="cuota-receipt-R-\d{8}\.pdf"$/);
  const text = await pdfText(pdf.bytes);
  for (const s of ['Payment receipt', ref.reference, data.oid, 'Left to pay', '2,216.00']) t.true(text.includes(s), s);
  t.false(text.includes(borrower.phone), 'the phone is masked');
  // In the borrower's language.
  const es = await pdfText((await app.get(`/Repay/receipt/pdf?id=${settlement.id}&lang=es`)).bytes);
  t.true(es.includes('Comprobante de pago') && es.includes('Saldo pendiente'), es);

  // Anyone else: the same 404 as an unknown receipt; a visitor must sign in; staff may read it.
  const other = await signedInApp(server);
  for (const path of [`/Repay/receipt?id=${settlement.id}`, `/Repay/receipt/pdf?id=${settlement.id}`, '/Repay/receipt?id=999999']) {
    t.is((await other.app.getJson(path)).json().status, 404, path);
  }
  t.is((await new Client(server.url).getJson(`/Repay/receipt?id=${settlement.id}`)).json().status, -100);
  const { c } = await staffClient(server);
  t.is((await c.get(`/support/receipt?id=${settlement.id}`, { Accept: 'text/html' })).status, 200);
  t.true((await pdfText((await c.get(`/support/receipt/pdf?id=${settlement.id}`)).bytes)).includes(ref.reference));
});

test.serial('a no-dues certificate exists once the loan is repaid, for its borrower and staff only', async (t) => {
  const { app } = await signedInApp(server);
  const data = await borrow(t, app, '2000', '7');
  t.is((await app.getJson(`/Repay/certificate?oid=${data.oid}`)).json().status, 404, 'not while money is owed');
  await payInFull(server, (await app.postApp('/Repay/payData', { oid: data.oid })).json().data);
  const cert = await app.getJson(`/Repay/certificate?oid=${data.oid}`);
  t.is(cert.status, 200);
  t.like(cert.json().data, { oid: data.oid, closed: 'repaid', paid_total: '2100.80', left_to_pay: '0.00' });
  const text = await pdfText((await app.get(`/Repay/certificate/pdf?oid=${data.oid}`)).bytes);
  t.true(text.includes('No-dues certificate') && text.includes(`loan ${data.oid} is fully settled`), text);
  t.regex((await app.get(`/Repay/loanDetail?oid=${data.oid}`, { Accept: 'text/html' })).text, /href="\/Repay\/certificate\?oid=/);
  const other = await signedInApp(server);
  t.is((await other.app.getJson(`/Repay/certificate?oid=${data.oid}`)).json().status, 404);
  t.is((await other.app.get(`/Repay/certificate/pdf?oid=${data.oid}`)).status, 404);
  const { c } = await staffClient(server);
  t.is((await c.get(`/support/certificate?oid=${data.oid}`, { Accept: 'text/html' })).status, 200);
});

test.serial('the loan detail page tells the loan’s story as a timeline', async (t) => {
  const { app, borrower } = await signedInApp(server);
  const data = await borrow(t, app, '3000', '7');
  const url = (await app.postApp('/Repay/payData', { oid: data.oid })).json().data;
  const ref = (await reference(url, 1)).json().data;
  await notify(server, { reference: ref.reference, amount: '500.00' });
  server.clock.advance(9 * DAY);
  await app.signIn(borrower.phone, borrower.password);
  const html = (await app.get(`/Repay/loanDetail?oid=${data.oid}`, { Accept: 'text/html' })).text;
  const kinds = [...html.matchAll(/<li class="tl-([a-z_]+)">/g)].map((m) => m[1]);
  t.deepEqual(kinds, ['applied', 'confirmed', 'payout_requested', 'payout_arrived', 'payment', 'overdue']);
  t.regex(html, /Overdue: 2 days so far/);
  t.regex(html, /MX\$2,097\.00 arrived in your account/);
});
