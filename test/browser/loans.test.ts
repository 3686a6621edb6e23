import test from 'ava';
import { openPhoneBrowser, shots } from '../helpers/browser.ts';
import { makeBorrower } from '../helpers/factories.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;
test.before(async () => {
  server = await startServer();
});
test.after.always(() => server?.close());

test('apply with the live quote and confirm in English, then read the detail page in Spanish, at 360x740', async (t) => {
  const b = await makeBorrower(server.db);
  const { page, close } = await openPhoneBrowser();
  t.teardown(close);
  const problems: string[] = [];
  // The over-limit quote below is answered 422 on purpose; anything else is a problem.
  page.on('console', (m) => m.type() === 'error' && !/status of 422/.test(m.text()) && problems.push(m.text()));
  page.on('pageerror', (e) => problems.push(e.message));

  await page.goto(`${server.url}/Index/login?lang=en`);
  await page.getByLabel('Phone number').fill(b.phone);
  await page.getByLabel('Password').fill(b.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/Repay\/index\.shtml$/);

  // The quote follows the inputs while the borrower types (the script asks the server).
  t.true(await page.locator('#quote-form button').isHidden(), 'the no-JS button hides when the script runs');
  await page.getByLabel(/How much\?/).fill('3000');
  await page.getByLabel('10 days').check();
  await t.notThrowsAsync(page.locator('[data-quote="amountDue"]').filter({ hasText: 'MX$3,216.00' }).waitFor());
  t.is(await page.locator('[data-quote="fee"]').textContent(), '− MX$1,290.00');
  t.is(await page.locator('[data-quote="received"]').textContent(), 'MX$1,710.00');
  await page.getByLabel(/How much\?/).fill('90000');
  await t.notThrowsAsync(page.locator('[data-quote-error]').filter({ hasText: 'above your credit limit' }).waitFor());
  t.true(await page.getByRole('button', { name: 'Apply for this loan' }).isDisabled());
  t.true(await page.locator('#quote .facts').isHidden(), 'no stale figures beside the error');
  await page.getByLabel(/How much\?/).fill('3000');
  await page.locator('[data-quote-error]').waitFor({ state: 'hidden' });
  t.true(await page.getByRole('button', { name: 'Apply for this loan' }).isEnabled());
  await page.screenshot({ path: `${shots}/cuota-apply-en.png`, fullPage: true });

  await page.getByRole('button', { name: 'Apply for this loan' }).click();
  await page.waitForURL(/\/Loan\/confirm$/);
  t.regex((await page.locator('.facts').first().textContent())!, /MX\$1,710\.00[\s\S]*MX\$3,216\.00/);
  await page.getByLabel(/I have read the key facts/).check();
  await page.getByRole('button', { name: /I confirm/ }).click();
  await page.waitForURL(/\/Repay\/index\.shtml(#kfs-ack)?$/);
  t.regex((await page.locator('.flash').textContent())!, /Approved!/);
  t.regex((await page.locator('.loan .big').textContent())!, /MX\$3,216\.00/);
  t.regex((await page.locator('.loan').textContent())!, /Due in 10 days/);

  await page.goto(`${server.url}/Repay/index.shtml?lang=es`);
  await page.getByRole('link', { name: 'Ver detalle y pagar' }).click();
  await page.waitForURL(/loanDetail\?oid=\d{22}/);
  t.is(await page.locator('h1').textContent(), 'Detalle del préstamo');
  t.regex((await page.locator('main').textContent())!, /Vence en 10 días/);
  t.regex((await page.locator('main').textContent())!, /Comisión por servicio[\s\S]*\$1,290\.00/);
  t.true(await page.evaluate(() => document.documentElement.scrollWidth <= 360));
  await page.screenshot({ path: `${shots}/cuota-detail-es.png`, fullPage: true });
  t.deepEqual(problems, []);
});
