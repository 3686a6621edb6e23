import test from 'ava';
import { isValidClabe } from '../../src/domain/references.ts';
import { SandboxGateway, SIGNATURE_HEADER, signNotification } from '../../src/services/payments/sandbox.ts';
import { Client } from '../helpers/client.ts';
import { contractProblems, examples } from '../helpers/contract.ts';
import { borrow, signedInApp } from '../helpers/loans.ts';
import { notify as notifyAs, reference } from '../helpers/payments.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;
test.before(async () => {
  server = await startServer();
});
test.after.always(() => server?.close());

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const SECRET = () => server.config.payments.webhookSecret;

/** A borrower with a disbursed 3000/10 loan, and the payment URL for repaying it. */
async function withBill(t: Parameters<typeof borrow>[0], next?: 'delay') {
  const { app, borrower } = await signedInApp(server);
  const loan = await borrow(t, app, '3000', '10');
  const pay = await app.postApp('/Repay/payData', { oid: loan.oid, ...(next ? { next } : {}) });
  t.is(pay.status, 200, pay.text);
  return { app, borrower, loan, url: pay.json().data as string };
}

const notify = (fields: Record<string, unknown>, signature?: string) => notifyAs(server, fields, signature);

test.serial('payData answers an absolute payment URL; the same URL while the amount is unchanged', async (t) => {
  const { app, loan, url } = await withBill(t);
  t.deepEqual(contractProblems({ status: 200, data: url }, examples['Repay/payData']), []);
  t.regex(url, new RegExp(`^${server.url}/Pay/\\d+-[A-Za-z0-9_-]{43}$`));
  t.is((await app.postApp('/Repay/payData', { oid: loan.oid })).json().data, url);
  const other = await signedInApp(server);
  t.is((await other.app.postApp('/Repay/payData', { oid: loan.oid })).json().status, 404, "another borrower's oid");
});

test.serial('paytype 1 gives a valid CLABE and a 7-digit reference; paytype 2 a voucher, barcode and checkout', async (t) => {
  const { url } = await withBill(t);
  const stp = await reference(url, 1);
  t.is(stp.status, 200);
  t.deepEqual(contractProblems(stp.json(), examples['payment URL (paytype 1)'], 'body'), []);
  const d1 = stp.json().data;
  t.true(isValidClabe(d1.reference), d1.reference);
  t.regex(d1.barcode, /^\d{7}$/);
  t.like(d1, { money: '3216.00', name: 'stp' });
  t.regex(d1.expire, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);

  const cash = await reference(url, 2);
  const d2 = cash.json().data;
  t.regex(d2.reference, /^\d{18}$/);
  t.like(d2, { money: '3216.00', name: 'Paycash' });
  t.regex(d2.checkout, new RegExp(`^${server.url}/Pay/sandbox/${d2.reference}\\?sig=`));
  const png = await fetch(d2.path);
  t.is(png.status, 200);
  t.is(png.headers.get('content-type'), 'image/png');
  const bytes = Buffer.from(await png.arrayBuffer());
  t.deepEqual([...bytes.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
  t.is((await fetch(d2.image)).status, 200, 'the method logo is served');
});

test.serial('the same reference on a second request, and a new one after it expires', async (t) => {
  const { url } = await withBill(t);
  const first = (await reference(url, 2)).json().data.reference;
  t.is((await reference(url, 2)).json().data.reference, first);
  server.clock.advance(server.config.payments.referenceMs + 1000);
  const renewed = (await reference(url, 2)).json().data.reference;
  t.not(renewed, first);
  t.is((await reference(url, 2)).json().data.reference, renewed);
  // Once the intent itself has expired, no new reference is issued: the borrower asks for a new link.
  server.clock.advance(server.config.payments.intentMs);
  const expired = await reference(url, 2);
  t.is(expired.json().status, 410);
  t.regex(expired.json().message, /expired/);
});

test.serial('payTransf wraps the payment URL answer, for this site and this borrower only', async (t) => {
  const { app, url } = await withBill(t);
  const res = await app.postApp('/Repay/payTransf', { paytype: '2', url });
  t.is(res.status, 200);
  t.deepEqual(contractProblems(res.json(), examples['Repay/payTransf (paytype 2)'], 'body'), []);
  t.is(res.json().data.data.reference, (await reference(url, 2)).json().data.reference);
  const foreignHost = url.replace('127.0.0.1', 'evil.example');
  t.is((await app.postApp('/Repay/payTransf', { paytype: '2', url: foreignHost })).json().status, 422);
  t.is((await app.postApp('/Repay/payTransf', { paytype: '2', url: 'not a url' })).json().status, 422);
  t.is((await app.postApp('/Repay/payTransf', { paytype: '3', url })).json().status, 422);
  const other = await signedInApp(server);
  t.is((await other.app.postApp('/Repay/payTransf', { paytype: '2', url })).json().status, 404);
  t.is((await new Client('').get(url.replace(/-[^-]{4}/, '-AAAA'), { Accept: 'application/json' })).json().status, 404, 'a forged token');
});

test.serial('a full repayment through the sandbox checkout and notification ends with status 2 and a grown quota', async (t) => {
  const { app, url } = await withBill(t);
  const { checkout, reference: ref } = (await reference(url, 2)).json().data;
  const page = await new Client('').get(checkout);
  t.is(page.status, 200);
  t.regex(page.text, /Mark as paid/);
  // A made-up amount is refused, never taken for the reference's amount.
  for (const amount of ['-5', 'abc', '1e308', '100.001', '0', '99999999']) {
    const bad = await new Client('').request('POST', checkout, {
      body: new URLSearchParams({ amount }).toString(),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
    });
    t.is(bad.json().status, 422, amount);
  }
  t.is(await server.db('settlements').where({ reference: ref }).first(), undefined);
  const paid = await new Client('').request('POST', checkout, {
    body: '',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
  });
  t.deepEqual(paid.json(), { status: 200, outcome: 'settled' });
  const loans = (await app.getJson('/Repay/loans')).json().data;
  t.like(loans, { status: 2, loan_status: 'repaid', quota: '6000.00' });
  t.like((await reference(url, 2)).json().data, { reference: ref }, 'the paid reference is still shown');
  const settlement = await server.db('settlements').where({ reference: ref }).first();
  t.like(settlement, { amount: 321_600, source: 'sandbox', purpose: 'repay', excess: 0 });
  t.is((await app.postApp('/Repay/payData', { oid: loans.oid })).json().status, 409, 'nothing left to pay');
});

test.serial('a partial payment leaves the rest due', async (t) => {
  const { app, loan, url } = await withBill(t);
  const ref = (await reference(url, 1)).json().data.reference;
  const res = await notify({ reference: ref, amount: '1000.00' });
  t.deepEqual(res.json(), { status: 200, outcome: 'partial' });
  const detail = (await app.getJson(`/Repay/loanDetail?oid=${loan.oid}`)).json().data;
  t.like(detail, { needRepayMoney: 2216, bill: { repaid_money: '1000.00', status: '0' } });
  // The rest can be paid through a new payment URL for the new amount.
  const rest = await app.postApp('/Repay/payData', { oid: loan.oid });
  t.not(rest.json().data, url);
  t.is((await reference(rest.json().data, 1)).json().data.money, '2216.00');
});

test.serial('50 concurrent copies of one notification settle once', async (t) => {
  const { app, url, borrower } = await withBill(t);
  const ref = (await reference(url, 2)).json().data.reference;
  const body = JSON.stringify({ event_id: 'evt-1', reference: ref, amount: '3216.00', status: 'paid', paid_at: 0 });
  const signature = signNotification(SECRET(), body, Math.floor(server.clock.now().getTime() / 1000));
  const send = () =>
    new Client(server.url).request('POST', '/Pay/notify', {
      body,
      headers: { 'Content-Type': 'application/json', [SIGNATURE_HEADER]: signature },
    });
  const answers = await Promise.all(Array.from({ length: 50 }, send));
  t.true(answers.every((a) => a.status === 200));
  t.is(answers.filter((a) => a.json().outcome === 'settled').length, 1);
  t.is(answers.filter((a) => a.json().outcome === 'duplicate').length, 49);
  t.is((await server.db('settlements').where({ borrower_id: borrower.id })).length, 1);
  t.is((await app.getJson('/Repay/loans')).json().data.status, 2);
  const b = await server.db('borrowers').where({ id: borrower.id }).first();
  t.is(b.quota, 600_000, 'the quota grew once');
});

test.serial('forged signatures, changed bodies, empty amounts and unknown references answer 4xx and change nothing', async (t) => {
  const { app, loan, url } = await withBill(t);
  const ref = (await reference(url, 2)).json().data.reference;
  const body = JSON.stringify({ event_id: 'e', reference: ref, amount: '3216.00', status: 'paid' });
  const now = Math.floor(server.clock.now().getTime() / 1000);
  const forged = await notify({ reference: ref, amount: '3216.00' }, signNotification('not-the-secret-at-all', body, now));
  t.is(forged.status, 401);
  const good = signNotification(SECRET(), body, now);
  const changed = await new Client(server.url).request('POST', '/Pay/notify', {
    body: body.replace('3216.00', '9999.00'),
    headers: { 'Content-Type': 'application/json', [SIGNATURE_HEADER]: good },
  });
  t.is(changed.status, 401, 'a changed body no longer matches its signature');
  t.is((await notify({ reference: ref, amount: '0.00' })).status, 422, 'nothing received');
  t.is((await notify({ reference: '700000000000000000', amount: '1.00' })).status, 404);
  const stale = signNotification(SECRET(), body, now - 3600);
  const old = await new Client(server.url).request('POST', '/Pay/notify', {
    body,
    headers: { 'Content-Type': 'application/json', [SIGNATURE_HEADER]: stale },
  });
  t.is(old.status, 401, 'an old signature is refused');
  t.is((await new Client(server.url).request('POST', '/Pay/notify', { body: 'x'.repeat(20_000) })).status, 413);
  t.like((await app.getJson(`/Repay/loanDetail?oid=${loan.oid}`)).json().data, { needRepayMoney: 3216 });
  t.is((await server.db('settlements').where({ reference: ref })).length, 0);
  const recorded = await server.db('payment_notifications').where({ reference: ref }).select('outcome');
  t.true(recorded.some((r: { outcome: string }) => r.outcome === 'amount_mismatch'));
});

test.serial('an extension bought while overdue moves the due date, clears the late fee and shows status 4', async (t) => {
  const { app, borrower, loan } = await withBill(t);
  server.clock.advance(12 * DAY);
  await app.postApp('/Index/ajaxSignIn', { username: borrower.phone, password: borrower.password });
  const before = (await app.getJson(`/Repay/loanDelay?oid=${loan.oid}`)).json();
  t.deepEqual(contractProblems(before, examples['Repay/loanDelay'], 'body'), []);
  // 2 days late: late fee 120.00; the extension costs 3000 x 0.043 x 10 = 1290.00 plus that.
  t.like(before.data, { delayFee: 1290, overdueFee: 120, needRepayMoney: 1410, needRepaymentDay: loan.nextRepayDay });
  const preview = (await app.getJson(`/Repay/loanDetail?oid=${loan.oid}&next=delay`)).json();
  t.deepEqual(contractProblems(preview, examples['Repay/loanDetail (next=delay)'], 'body'), []);
  t.is(preview.data.nextRepayDay, before.data.nextRepayDay);

  const asked = await app.postApp('/Repay/ajaxDelay', { oid: loan.billId });
  t.is(asked.json().status, 402);
  const payUrl = asked.json().data;
  const ref = (await reference(payUrl, 1)).json().data;
  t.is(ref.money, '1410.00');
  t.deepEqual((await notify({ reference: ref.reference, amount: '1410.00' })).json(), { status: 200, outcome: 'extended' });

  t.deepEqual((await app.postApp('/Repay/ajaxDelay', { oid: loan.billId })).json(), examples['Repay/ajaxDelay']);
  const after = (await app.getJson('/Repay/loans')).json().data;
  t.like(after, { status: 4, hasOverdue: false, nextRepayDay: before.data.nextRepayDay, bill: { delay: '1', delay_day: '10' } });
  const detail = (await app.getJson(`/Repay/loanDetail?oid=${loan.oid}`)).json().data;
  t.like(detail, { needRepayMoney: 3216, bill: { delay_num: '1', overdue: '0.00', status: '4' } }, 'the debt is not reduced');
});

test.serial('extensions are refused with a reason: limit reached, repaid, or too late', async (t) => {
  const tooLate = await withBill(t);
  server.clock.advance(25 * DAY);
  await tooLate.app.postApp('/Index/ajaxSignIn', { username: tooLate.borrower.phone, password: tooLate.borrower.password });
  const late = await tooLate.app.postApp('/Repay/ajaxDelay', { oid: tooLate.loan.billId });
  t.is(late.json().status, 409);
  t.regex(late.json().message, /too late/);
  t.is((await tooLate.app.postApp('/Repay/payData', { oid: tooLate.loan.oid, next: 'delay' })).json().status, 409);
  const page = await tooLate.app.get(`/Repay/loanDelay?oid=${tooLate.loan.oid}`, { Accept: 'text/html' });
  t.regex(page.text, /It is too late to extend/);

  const limited = await startServer({ DELAY_MAX: '1' });
  t.teardown(() => limited.close());
  const { app, borrower } = await signedInApp(limited);
  const loan = await borrow(t, app, '2000', '7');
  const url = (await app.postApp('/Repay/ajaxDelay', { oid: loan.billId })).json().data;
  const ref = (await new Client('').request('POST', url, {
    body: 'paytype=2',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Requested-With': 'XMLHttpRequest' },
  })).json().data;
  const body = JSON.stringify({ event_id: 'x', reference: ref.reference, amount: ref.money, status: 'paid' });
  const sig = signNotification(limited.config.payments.webhookSecret, body, Math.floor(limited.clock.now().getTime() / 1000));
  await new Client(limited.url).request('POST', '/Pay/notify', { body, headers: { [SIGNATURE_HEADER]: sig } });
  t.like((await app.getJson('/Repay/loans')).json().data, { status: 4 });
  await app.postApp('/Index/ajaxSignIn', { username: borrower.phone, password: borrower.password });
  const second = await app.postApp('/Repay/payData', { oid: loan.oid, next: 'delay' });
  t.is(second.json().status, 409);
  t.regex(second.json().message, /every extension/);
});

test.serial('a delay payment that can no longer extend is applied as a repayment, never lost', async (t) => {
  const { app, loan } = await withBill(t);
  const delayUrl = (await app.postApp('/Repay/payData', { oid: loan.oid, next: 'delay' })).json().data;
  const delayRef = (await reference(delayUrl, 1)).json().data;
  const repayUrl = (await app.postApp('/Repay/payData', { oid: loan.oid })).json().data;
  const repayRef = (await reference(repayUrl, 1)).json().data;
  await notify({ reference: repayRef.reference, amount: repayRef.money });
  const late = await notify({ reference: delayRef.reference, amount: delayRef.money });
  t.deepEqual(late.json(), { status: 200, outcome: 'delay_applied_as_repayment' });
  const s = await server.db('settlements').where({ reference: delayRef.reference }).first();
  t.like(s, { purpose: 'repay', excess: 129_000 }, 'kept as excess for a refund');
});

test.serial('the payment pages work without a session, in Spanish', async (t) => {
  const { url } = await withBill(t);
  const webview = new Client('');
  const choose = await webview.get(`${url}?lang=es`);
  t.is(choose.status, 200);
  t.regex(choose.text, /¿Cómo quieres pagar\?/);
  t.regex(choose.text, /\$3,216\.00/);
  const cash = await webview.get(`${url}?paytype=2`);
  t.regex(cash.text, /Referencia de pago/);
  t.regex(cash.text, /<p class="reference" id="reference">\d{18}<\/p>/);
  t.regex(cash.text, /<img class="barcode" src="[^"]+barcode\.png\?paytype=2"/);
  t.regex(cash.text, /Paga antes del/);
  t.regex(cash.text, /Pago de prueba: simular que se pagó esta referencia/);
  const stp = await webview.get(`${url}?paytype=1`);
  t.regex(stp.text, /Transfiere a esta CLABE/);
  // The CLABE grouped as banks print it (the copy button still copies the 18 digits), with the bank and the beneficiary named.
  const clabe = /<p class="reference clabe" id="reference" data-copy-value="(\d{18})">(\d{3}) (\d{3}) (\d{11}) (\d)<\/p>/.exec(stp.text);
  t.truthy(clabe, 'grouped 3-3-11-1');
  t.is(clabe!.slice(2).join(''), clabe![1]!);
  t.regex(stp.text, /<dt>Banco<\/dt><dd>STP<\/dd>/);
  t.regex(stp.text, /<dt>Beneficiario<\/dt><dd>[^<]+<\/dd>/);
  // One deadline (the reference's, which comes first); the link's only as the way to a new reference.
  t.is((stp.text.match(/Paga antes del/g) ?? []).length, 1);
  t.regex(stp.text, /Abre esta página de nuevo antes del [^<]+ y obtén una nueva referencia por el mismo monto/);
  t.is((await webview.get(`${url}?paytype=7`)).status, 422);
  // The sandbox checkout speaks Spanish too, the method in the borrower's words, the outcome in words.
  const checkout = /href="([^"]+\/Pay\/sandbox\/[^"]+)"/.exec(cash.text)![1]!.replace(/&amp;/g, '&');
  const sandbox = await webview.get(checkout);
  t.regex(sandbox.text, /<dt>Forma de pago<\/dt><dd>Efectivo \(Paycash\)<\/dd>/);
  t.notRegex(sandbox.text, /Sandbox|Método|stp|Paycash<\/dd>|settled/);
  const paid = await webview.postForm(checkout, { amount: '', sig: new URL(checkout).searchParams.get('sig')! });
  t.is(paid.status, 303, paid.text);
  const after = await webview.get(new URL(paid.headers.get('location')!, checkout).href);
  t.regex(after.text, /<p class="flash" role="status">El proveedor avisó a Cuota: el préstamo quedó pagado por completo\.<\/p>/);
  t.notRegex(after.text, />[^<]*settled[^<]*</, 'no code in the text (the query keeps it, for the language switch)');
});

test.serial('the method chooser shows the deadline the reference page shows, never the link\'s', async (t) => {
  const { url } = await withBill(t);
  const webview = new Client('');
  const payBefore = (html: string) => [...html.matchAll(/Pay before ([^<]+)</g)].map((m) => m[1]!.trim());
  const choose = await webview.get(url);
  const [deadline] = payBefore(choose.text);
  t.truthy(deadline, 'one deadline under the amount');
  t.is(payBefore(choose.text).length, 1);
  t.regex(choose.text, /Missed it\? Open this page again before/);
  t.notRegex(choose.text, /link works until/);
  // Chosen a few seconds later (within the minute), the reference shows that same deadline.
  server.clock.advance(5_000);
  const transfer = await webview.get(`${url}?paytype=1`);
  t.deepEqual(payBefore(transfer.text), [deadline]);
  // Two hours on, a transfer reference already exists and a voucher would be new: each method says its own.
  server.clock.advance(2 * HOUR);
  const again = await webview.get(url);
  const each = payBefore(again.text);
  t.is(each.length, 2, again.text);
  t.is(each[0], deadline, 'the live transfer reference keeps its deadline');
  const cash = await webview.get(`${url}?paytype=2`);
  t.deepEqual(payBefore(cash.text), [each[1]]);
  t.not(each[1], deadline);
});

test.serial('the detail page lists references and what is left to pay; the extension page explains itself', async (t) => {
  const { app, loan, url } = await withBill(t);
  const ref = (await reference(url, 1)).json().data.reference;
  await notify({ reference: ref, amount: '1000.00' });
  const page = await app.get(`/Repay/loanDetail?oid=${loan.oid}`, { Accept: 'text/html' });
  t.regex(page.text, new RegExp(`<code>${ref}</code> · MX\\$1,000\\.00 · <span class="badge ref-paid">Paid`));
  t.regex(page.text, /Left to pay: MX\$2,216\.00/);
  t.regex(page.text, /action="\/Repay\/payData"/);
  const delay = await app.get(`/Repay/loanDelay?oid=${loan.oid}`, { Accept: 'text/html' });
  t.regex(delay.text, /does not reduce what you owe/);
  t.regex(delay.text, /0 of 3/);
  t.regex(delay.text, /Pay MX\$1,290\.00 and extend/);
});

test.serial("the sandbox gateway reports a reference's status as a provider would", async (t) => {
  const { url } = await withBill(t);
  const ref = (await reference(url, 2)).json().data.reference;
  const gateway = new SandboxGateway(server.db, server.clock, SECRET());
  t.is(await gateway.lookupStatus(ref), 'pending');
  t.is(await gateway.lookupStatus('700000000000000001'), 'unknown');
  await notify({ reference: ref, amount: '3216.00' });
  t.is(await gateway.lookupStatus(ref), 'paid');
});
