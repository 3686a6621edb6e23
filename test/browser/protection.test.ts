import fs from 'node:fs';
import test from 'ava';
import { openPhoneBrowser, shots, signInPage } from '../helpers/browser.ts';
import { makeBorrower } from '../helpers/factories.ts';
import { notify, reference } from '../helpers/payments.ts';
import { staffClient } from '../helpers/staff.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;
test.before(async () => {
  server = await startServer();
});
test.after.always(() => server?.close());

const signIn = (page: import('playwright-core').Page, phone: string, password: string, lang: 'es' | 'en') =>
  signInPage(page, server.url, phone, password, lang);

test('in Spanish: read the key facts, confirm only after ticking, pay part, download the receipt, see the timeline', async (t) => {
  const b = await makeBorrower(server.db);
  const { page, close } = await openPhoneBrowser({ locale: 'es-MX' });
  t.teardown(close);
  await signIn(page, b.phone, b.password, 'es');
  await page.locator('#f-money').fill('3000');
  await page.getByLabel('10 días').check();
  await page.locator('[data-quote="amountDue"]').filter({ hasText: /3,216\.00/ }).first().waitFor();
  await page.locator('form[action="/Loan/reLoan"] button[type=submit]').click();
  await page.waitForURL(/\/Loan\/confirm$/);

  const kfs = page.locator('#kfs');
  await t.notThrowsAsync(kfs.getByRole('heading', { name: 'Datos clave del préstamo' }).waitFor());
  t.regex((await kfs.locator('[data-kfs="apr"]').textContent())!, /^3[\s,.]?215\s?%$/);
  t.regex((await kfs.textContent())!, /Periodo de reflexión: dentro de 3 días/);
  await page.screenshot({ path: `${shots}/cuota-kfs-es.png`, fullPage: true });

  // Without the tick the browser stays on the page with the error beside the box.
  await page.locator('form[action^="/Index/ajaxApply"] button[type=submit]').click();
  await t.notThrowsAsync(page.locator('#e-kfs_ack').filter({ hasText: 'Marca la casilla' }).waitFor());
  // It comes back at the box, not at the top of a long page: the box and its error are in view.
  t.true(new URL(page.url()).hash === '#kfs-ack', page.url());
  const tick = (await page.locator('#f-kfs_ack').boundingBox())!;
  t.true(tick.width >= 24 && tick.height >= 24, `checkbox ${tick.width}x${tick.height}`);
  t.true(await page.evaluate(`(() => { const r = document.getElementById('f-kfs_ack').getBoundingClientRect(); return r.top >= 0 && r.bottom <= window.innerHeight; })()`), 'the box is on screen');
  const label = (await page.locator('#kfs-ack label').boundingBox())!;
  t.true(label.height >= 44, `label ${label.height}px tall`);
  await page.getByLabel(/Leí los datos clave/).check();
  await page.locator('form[action^="/Index/ajaxApply"] button[type=submit]').click();
  await page.waitForURL(/\/Repay\/index\.shtml(#kfs-ack)?$/);
  const loan = await server.db('loans').where({ borrower_id: b.id }).first();
  t.like(loan, { status: 'disbursed', kfs_version: '2026-11' });

  // A part payment arrives through the gateway; the detail page has its receipt and the history.
  const url = (await page.evaluate(async (oid) => {
    const token = document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')!.content;
    const res = await fetch('/Repay/payData', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Requested-With': 'XMLHttpRequest', 'X-CSRF-Token': token }, body: `oid=${oid}` });
    return (await res.json()).data as string;
  }, loan.oid)) as string;
  const ref = (await reference(url, 1)).json().data.reference;
  t.is((await notify(server, { reference: ref, amount: '1000.00' })).status, 200);

  await page.goto(`${server.url}/Repay/loanDetail?oid=${loan.oid}`);
  await t.notThrowsAsync(page.locator('.timeline .tl-payment').filter({ hasText: 'Pago de' }).waitFor());
  t.deepEqual(await page.locator('.timeline li').evaluateAll((els) => els.map((e) => e.className)), ['tl-applied', 'tl-confirmed', 'tl-payout_requested', 'tl-payout_arrived', 'tl-payment']);
  const box = await page.locator('.timeline').boundingBox();
  t.true(box !== null && box.width <= 360, 'the timeline fits the phone');
  await page.screenshot({ path: `${shots}/cuota-timeline-es.png`, fullPage: true });

  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('a[href^="/Repay/receipt/pdf"]').first().click()]);
  t.regex(download.suggestedFilename(), /^cuota-receipt-R-\d{8}\.pdf$/);
  const file = await download.path();
  t.is(fs.readFileSync(file).subarray(0, 5).toString(), '%PDF-');
});

test('open a complaint in English and read the staff reply', async (t) => {
  const b = await makeBorrower(server.db);
  const { page, close } = await openPhoneBrowser();
  t.teardown(close);
  await signIn(page, b.phone, b.password, 'en');
  await page.getByRole('link', { name: 'Complaints' }).click();
  await page.waitForURL(/\/Complaint\/index$/);
  await page.getByLabel('About').selectOption('collection');
  await page.getByLabel('What happened?').fill('An agent called my sister about my loan.');
  await page.getByRole('button', { name: 'Send complaint' }).click();
  await page.waitForURL(/\/Complaint\/view\?no=Q-\d{8}-\d{6}$/);
  const number = new URL(page.url()).searchParams.get('no')!;
  t.is(await page.locator('[data-status]').getAttribute('data-status'), 'open');

  const { c, token } = await staffClient(server);
  const id = (await server.db('complaints').where({ number }).first()).id;
  t.is((await c.postForm(`/support/complaints/${id}`, { _csrf: token, reply: 'Sorry. We have stopped calls to anyone but you.' })).status, 303);

  await page.reload();
  t.is(await page.locator('[data-status]').getAttribute('data-status'), 'answered');
  await t.notThrowsAsync(page.locator('.msg-staff').filter({ hasText: 'We have stopped calls to anyone but you.' }).waitFor());
  await page.screenshot({ path: `${shots}/cuota-complaint-en.png`, fullPage: true });
});
