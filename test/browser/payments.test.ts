import test from 'ava';
import { openPhoneBrowser, shots } from '../helpers/browser.ts';
import { borrow, signedInApp } from '../helpers/loans.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;
test.before(async () => {
  server = await startServer();
});
test.after.always(() => server?.close());

test('pay by cash voucher in Spanish at 360x740: barcode, sandbox payment, loan repaid', async (t) => {
  const { app, borrower } = await signedInApp(server);
  const loan = await borrow(t, app, '3000', '10');
  const { page, close, context } = await openPhoneBrowser({ locale: 'es-MX' });
  t.teardown(close);
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  const problems: string[] = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  page.on('pageerror', (e) => problems.push(e.message));

  await page.goto(`${server.url}/Index/login`);
  await page.getByLabel('Número de teléfono').fill(borrower.phone);
  await page.getByLabel('Contraseña').fill(borrower.password);
  await page.getByRole('button', { name: 'Entrar' }).click();
  await page.getByRole('link', { name: 'Ver detalle y pagar' }).click();
  await page.getByRole('button', { name: /Pagar \$3,216\.00/ }).click();
  await page.waitForURL(/\/Pay\/\d+-/);
  await page.getByRole('link', { name: /Efectivo en tienda/ }).click();
  await page.waitForURL(/paytype=2/);

  const reference = (await page.locator('#reference').textContent())!.trim();
  t.regex(reference, /^\d{18}$/);
  const barcode = page.locator('img.barcode');
  await barcode.waitFor();
  t.true(await barcode.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 200), 'the barcode image loaded');
  await page.getByRole('button', { name: 'Copiar' }).click();
  t.is(await page.evaluate(() => navigator.clipboard.readText()), reference);
  t.regex((await page.locator('.countdown').textContent())!, /^\(\d+:\d{2}:\d{2}\)$/);
  await page.screenshot({ path: `${shots}/cuota-pay-cash-es.png`, fullPage: true });

  await page.getByRole('link', { name: 'Pago de prueba: simular que se pagó esta referencia' }).click();
  await page.getByRole('button', { name: 'Marcar como pagado' }).click();
  await page.waitForURL(/outcome=settled/);
  t.regex((await page.locator('.flash').textContent())!, /pagado por completo/);

  await page.goto(`${server.url}/Repay/index.shtml`);
  t.regex((await page.locator('main').textContent())!, /Pagado por completo/);
  t.regex((await page.locator('.quota .big').textContent())!, /\$6,000\.00/, 'the quota grew');
  t.like((await app.getJson('/Repay/loans')).json().data, { status: 2, oid: loan.oid });
  t.deepEqual(problems, []);
});
