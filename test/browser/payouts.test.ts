import test from 'ava';
import { openPhoneBrowser, signInPage } from '../helpers/browser.ts';
import { makeBorrower } from '../helpers/factories.ts';
import { clabeEnding, payoutCallback, payoutsOfLoan, useAccount } from '../helpers/payouts.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;
test.before(async () => {
  server = await startServer();
});
test.after.always(() => server?.close());

test('a payout refused by the bank (account ending 1111): the borrower sees it, picks another account, retries, and the loan arrives', async (t) => {
  const b = await makeBorrower(server.db);
  // Three verified accounts: the refused one is the default; another is accepted late (ending 2222).
  const late = await useAccount(server, b.id, clabeEnding('2222'));
  await useAccount(server, b.id, clabeEnding('1111'));
  const { page, close } = await openPhoneBrowser();
  t.teardown(close);
  const problems: string[] = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  page.on('pageerror', (e) => problems.push(e.message));

  await signInPage(page, server.url, b.phone, b.password, 'en');
  await page.getByLabel(/How much\?/).fill('2000');
  await page.getByLabel('7 days').check();
  await page.getByRole('button', { name: 'Apply for this loan' }).click();
  await page.waitForURL(/\/Loan\/confirm$/);
  await page.getByLabel(/I have read the key facts/).check();
  await page.getByRole('button', { name: /I confirm/ }).click();
  await page.waitForURL(/\/Repay\/index\.shtml(#kfs-ack)?$/);
  // Told at once, and owing nothing.
  t.regex((await page.locator('.flash').textContent())!, /your bank did not accept the transfer/);
  t.regex((await page.locator('#payout-notice').textContent())!, /You owe nothing until the money arrives/);
  const loan = await server.db('loans').where({ borrower_id: b.id }).first();
  t.is(loan.status, 'payout_failed');
  t.is((await server.db('bills').where({ loan_id: loan.id })).length, 0);

  await page.locator('#payout-notice').getByRole('link', { name: "Your loan's money" }).click();
  await page.waitForURL(/\/Loan\/payout$/);
  t.regex((await page.locator('#payout-state').textContent())!, /did not accept the transfer/);
  t.regex((await page.locator('#payout-1').textContent())!, /not accepted by the bank/);
  // Picks the other account and comes back to this page.
  await page.locator(`#account-${late}`).getByRole('button', { name: 'Make default' }).click();
  await page.waitForURL(/\/Loan\/payout$/);
  t.truthy(await page.locator(`#account-${late} .badge`).textContent());
  await page.getByRole('button', { name: 'Send the money to my default account' }).click();
  await page.waitForURL(/\/Loan\/payout$/);
  t.regex((await page.locator('.flash').textContent())!, /We are sending the money again/);
  t.regex((await page.locator('#payout-state').textContent())!, /we are sending the money to your account/);
  t.regex((await page.locator('#payout-2').textContent())!, /on its way/);

  // The provider confirms the late transfer with its signed callback.
  server.clock.advance(10 * 60_000);
  const second = (await payoutsOfLoan(server, loan.id)).find((p) => p.attempt === 2);
  t.is((await payoutCallback(server, { idempotency_key: second.idempotency_key, status: 'paid' })).json().outcome, 'paid');
  await page.reload();
  t.regex((await page.locator('#payout-state').textContent())!, /The money arrived in your account/);
  t.regex((await page.locator('#payout-2').textContent())!, /Arrived .*: your term and due day count from this moment/);
  await page.locator('#payout-2').getByRole('link', { name: 'Disbursement receipt' }).click();
  await page.waitForURL(/\/Repay\/disbursement\?oid=\d+$/);
  t.regex((await page.locator('main').textContent())!, /Money arrived/);
  t.true(await page.evaluate(() => document.documentElement.scrollWidth <= 360));
  await page.goto(`${server.url}/Repay/index.shtml`);
  t.regex((await page.locator('.loan .big').textContent())!, /MX\$2,100\.80/);
  t.like(await server.db('loans').where({ id: loan.id }).first(), { status: 'disbursed' });
  t.deepEqual(problems, []);
});
