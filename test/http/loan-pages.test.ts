import test from 'ava';
import { payInFull } from '../helpers/payments.ts';
import { Client } from '../helpers/client.ts';
import { makeBorrower } from '../helpers/factories.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;
test.before(async () => {
  server = await startServer();
});
test.after.always(() => server?.close());

async function browserFor() {
  const b = await makeBorrower(server.db);
  const browser = new Client(server.url);
  await browser.signIn(b.phone, b.password);
  return { browser, b };
}

const tokenOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)![1]!;

test.serial('without JavaScript: quote, apply, key facts, confirm, and the loan on the home page', async (t) => {
  const { browser } = await browserFor();
  const quoted = await browser.get('/Repay/index.shtml?money=3000&time=10');
  t.is(quoted.status, 200);
  t.regex(quoted.text, /MX\$1,290\.00/, 'fee');
  t.regex(quoted.text, /MX\$1,710\.00/, 'received');
  t.regex(quoted.text, /MX\$3,216\.00/, 'total to repay');
  t.regex(quoted.text, /<input type="hidden" name="money" value="3000">/);
  t.regex(quoted.text, /value="10" checked/);

  const applied = await browser.postForm('/Loan/reLoan', { _csrf: tokenOf(quoted.text), money: '3000', time: '10' });
  t.is(applied.status, 303);
  t.is(applied.headers.get('location'), '/Loan/confirm');
  const confirm = await browser.get('/Loan/confirm');
  t.regex(confirm.text, /Key facts/);
  for (const figure of ['MX\\$3,000\\.00', 'MX\\$1,290\\.00', 'MX\\$1,710\\.00', 'MX\\$216\\.00', 'MX\\$3,216\\.00', 'Mar 12, 2026']) {
    t.regex(confirm.text, new RegExp(figure));
  }
  t.regex(confirm.text, /action="\/Index\/ajaxApply#kfs-ack"/);

  const done = await browser.postForm('/Index/ajaxApply', { _csrf: tokenOf(confirm.text), kfs_ack: '1' });
  t.is(done.status, 303);
  const home = await browser.get('/Repay/index.shtml');
  t.regex(home.text, /Approved! The money is on its way/);
  t.regex(home.text, /MX\$3,216\.00/);
  t.regex(home.text, /Mar 12, 2026/);
  t.regex(home.text, /Due in 10 days/);
  t.regex(home.text, /class="badge s0">To pay/);
  t.notRegex(home.text, /id="quote-form"/, 'no apply form while a loan is open');
  t.is((await browser.get('/Loan/confirm')).status, 302, 'nothing left to confirm');
});

test.serial('an invalid quote request is explained on the page', async (t) => {
  const { browser } = await browserFor();
  const page = await browser.get('/Repay/index.shtml?money=9000&time=10');
  t.regex(page.text, /The amount is above your credit limit\./);
  t.notRegex(page.text, /id="apply-form"/);
  const tampered = await browser.postForm('/Loan/reLoan', { _csrf: tokenOf((await browser.get('/Repay/index.shtml')).text), money: '9000', time: '10' });
  t.is(tampered.status, 422);
  t.regex(tampered.text, /The amount is above your credit limit\./);
  t.regex(tampered.text, /id="quote-form"/, 'the home page is shown again with its form');
});

test.serial('the detail page shows the full breakdown in Spanish, and the orders page lists the loan', async (t) => {
  const { browser } = await browserFor();
  const app = new Client(server.url);
  for (const [k, v] of browser.cookies) app.cookies.set(k, v);
  await app.postApp('/Loan/reLoan', { money: '3000', time: '10' });
  await app.postApp('/Index/ajaxApply', { kfs_ack: '1' });
  const oid = (await app.getJson('/Repay/loans')).json().data.bill.oid;
  const detail = await browser.get(`/Repay/loanDetail?oid=${oid}&lang=es`);
  t.is(detail.status, 200);
  t.regex(detail.text, /Detalle del préstamo/);
  t.regex(detail.text, /Comisión por servicio/);
  t.regex(detail.text, /\$3,216\.00/);
  t.regex(detail.text, /12 mar 2026/);
  t.regex(detail.text, /Vence en 10 días/);
  // Due in 10 days: nothing says it must be paid today, the breakdown's total included.
  t.notRegex(detail.text, /A pagar hoy/);
  t.regex(detail.text, /<dt class="total">Monto a pagar<\/dt><dd class="total">\$3,216\.00<\/dd>/);
  const orders = await browser.get('/Repay/orders');
  t.regex(orders.text, new RegExp(`Orden ${oid}`));
  t.regex(orders.text, /href="\/Repay\/loanDetail\?oid=\d{22}">Ver detalle y pagar</);
  // Once repaid, the link no longer invites a payment.
  await payInFull(server, (await app.postRaw('/Repay/payData', { oid })).json().data);
  t.regex((await browser.get('/Repay/orders')).text, /href="\/Repay\/loanDetail\?oid=\d{22}">Ver detalle</);
  t.notRegex((await browser.get('/Repay/orders')).text, /Ver detalle y pagar/);
});

test.serial('the live quote action answers JSON for the apply form script', async (t) => {
  const { browser } = await browserFor();
  const res = await browser.getJson('/Loan/quote?money=2500&time=15');
  t.like(res.json().data, {
    money: '2500.00',
    serviceFee: '1612.50',
    received: '887.50',
    repay_money: '2770.00',
    display: { amountDue: 'MX$2,770.00' },
  });
  t.is((await browser.getJson('/Loan/quote?money=99999')).json().status, 422);
  const noJs = await browser.get('/Loan/quote?money=2500&time=15');
  t.is(noJs.headers.get('location'), '/Repay/index.shtml?money=2500.00&time=15');
});

test.serial('an overdue loan says so on the home page, with the late fee, in both languages', async (t) => {
  const { browser, b } = await browserFor();
  const app = new Client(server.url);
  for (const [k, v] of browser.cookies) app.cookies.set(k, v);
  await app.postApp('/Loan/reLoan', { money: '3000', time: '7' });
  await app.postApp('/Index/ajaxApply', { kfs_ack: '1' });
  server.clock.advance(9 * 86_400_000);
  await browser.signIn(b.phone, b.password);
  const en = await browser.get('/Repay/index.shtml');
  t.regex(en.text, /2 days overdue/);
  t.regex(en.text, /class="badge s1">Overdue/);
  t.regex(en.text, /Late fee so far: MX\$120\.00/);
  t.regex(en.text, /MX\$3,271\.20/, '3000 + 151.20 interest + 120 late fee');
  const es = await browser.get('/Repay/index.shtml?lang=es');
  t.regex(es.text, /2 días de atraso/);
  t.regex(es.text, /Cargo por atraso hasta hoy: \$120\.00/);
  const detail = await browser.get(`/Repay/loanDetail?oid=${(await browser.getJson('/Repay/loans')).json().data.bill.oid}&lang=es`);
  t.regex(detail.text, /<dt class="total">A pagar hoy<\/dt><dd class="total">\$3,271\.20<\/dd>/, 'overdue: what it takes today');
});
