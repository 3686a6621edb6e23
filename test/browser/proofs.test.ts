import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test, { type ExecutionContext } from 'ava';
import { openPhoneBrowser, shots } from '../helpers/browser.ts';
import { makeStaff } from '../helpers/factories.ts';
import { screenshotPng } from '../helpers/images.ts';
import { borrow, signedInApp } from '../helpers/loans.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;
let dir: string;
test.before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cuota-browser-proofs-'));
  server = await startServer({ UPLOAD_DIR: path.join(dir, 'uploads') });
});
test.after.always(async () => {
  await server?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A Spanish phone browser signed in as the borrower, on the loan's page, with the proof form filled in (not sent). */
async function proofForm(t: ExecutionContext, borrower: { phone: string; password: string }, oid: string, utr: string, screenshot: string) {
  const phone = await openPhoneBrowser({ locale: 'es-MX' });
  t.teardown(phone.close);
  const page = phone.page;
  await page.goto(`${server.url}/Index/login`);
  await page.getByLabel('Número de teléfono').fill(borrower.phone);
  await page.getByLabel('Contraseña').fill(borrower.password);
  await page.getByRole('button', { name: 'Entrar' }).click();
  await page.goto(`${server.url}/Repay/loanDetail?oid=${oid}`);
  await page.getByLabel('Clave de rastreo de la transferencia').fill(utr);
  await page.getByLabel('Captura de la transferencia').setInputFiles(screenshot);
  return page;
}

test.serial('a borrower sends a screenshot and UTR in Spanish; staff approve it in English; the loan shows repaid', async (t) => {
  const { app, borrower } = await signedInApp(server);
  const loan = await borrow(t, app, '3000', '10');
  const screenshot = path.join(dir, 'transferencia.png');
  fs.writeFileSync(screenshot, await screenshotPng('SPEI 482910375516'));

  const page = await proofForm(t, borrower, loan.oid, '482910375516', screenshot);
  const uploaded = page.waitForResponse((r) => r.url().endsWith('/Info/ajaxUpload') && r.status() === 200);
  await page.getByRole('button', { name: 'Enviar comprobante' }).click();
  await uploaded; // the script sent the image first, with progress
  await page.waitForSelector('.badge.proof-pending');
  t.regex((await page.locator('main').textContent())!, /Recibimos tu comprobante/);
  await page.screenshot({ path: `${shots}/cuota-proof-es.png`, fullPage: true });

  const staff = await makeStaff(server.db);
  const desk = await openPhoneBrowser({ locale: 'en-US' });
  t.teardown(desk.close);
  const console = desk.page;
  await console.setViewportSize({ width: 1280, height: 900 });
  await console.goto(`${server.url}/support/login`);
  await console.getByLabel('E-mail').fill(staff.email);
  await console.getByLabel('Password').fill(staff.password);
  await console.getByRole('button', { name: 'Staff sign in' }).click();
  await console.waitForURL(/\/support\/$/);
  t.regex((await console.locator('h1').textContent())!, /1 proof waiting/);
  await console.getByRole('link', { name: /^#\d+$/ }).first().click();
  t.true(await console.locator('.shots img').first().evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0));
  t.is(await console.getByLabel('Amount received').inputValue(), '3216.00');
  await console.screenshot({ path: `${shots}/cuota-console-proof.png`, fullPage: true });
  await console.getByRole('button', { name: 'Approve' }).click();
  await console.waitForURL(/\/support\/$/);
  t.regex((await console.locator('.flash').textContent())!, /approved and settled/);

  await page.goto(`${server.url}/Repay/index.shtml`);
  t.regex((await page.locator('main').textContent())!, /Pagado por completo/);
});

test.serial('with JavaScript, a refused proof shows an error and keeps the typed key and the chosen file', async (t) => {
  const { app, borrower } = await signedInApp(server);
  const loan = await borrow(t, app, '3000', '10');
  // A first proof with this key is already in review.
  t.is((await app.postApp('/Repay/repayProof', { oid: loan.oid, utr: '573920184466' })).json().status, 1);
  const screenshot = path.join(dir, 'otra.png');
  fs.writeFileSync(screenshot, await screenshotPng('SPEI 573920184466'));

  const page = await proofForm(t, borrower, loan.oid, '573920184466', screenshot);
  await page.getByRole('button', { name: 'Enviar comprobante' }).click();
  const error = page.locator('#proof-error');
  await error.waitFor({ state: 'visible' });
  t.regex((await error.textContent())!, /\S/, 'the reason, in words');
  t.is(await error.getAttribute('class'), 'alert');
  t.is(await page.locator('main .flash').count(), 0, 'no green note');
  t.is(await page.getByLabel('Clave de rastreo de la transferencia').inputValue(), '573920184466');
  t.is(await page.getByLabel('Captura de la transferencia').evaluate((i: HTMLInputElement) => i.files?.[0]?.name), 'otra.png');
  t.true(await page.getByRole('button', { name: 'Enviar comprobante' }).isEnabled());
  t.is((await server.db('proofs').where({ borrower_id: borrower.id })).length, 1, 'nothing changed');
});
