import { createRequire } from 'node:module';
import test from 'ava';
import type { Page } from 'playwright-core';
import { openPhoneBrowser, shots, signInPage } from '../helpers/browser.ts';
import { Client } from '../helpers/client.ts';
import { makeBorrower, makeStaff } from '../helpers/factories.ts';
import { borrow } from '../helpers/loans.ts';
import { notify, payInFull, reference } from '../helpers/payments.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

// Every borrower page, in both languages, at 360x740 as a cheap phone shows it:
// nothing wider than the screen, no serious or critical axe-core finding, tap
// targets a thumb can hit (WCAG 2.5.8), a language switch that stays on the same
// page, and no English or internal code on a Spanish page.

const require = createRequire(import.meta.url);
const AXE_SOURCE: string = require('axe-core').source;
let server: TestServer;
test.before(async () => {
  server = await startServer({ CONTACTS_ENABLED: 'true' });
});
test.after.always(() => server?.close());

/** A borrower with a repaid loan, an open one with a partial payment, a reference, a proof in review and a complaint. */
async function busyBorrower() {
  const borrower = await makeBorrower(server.db);
  const app = new Client(server.url);
  await app.postApp('/Index/ajaxSignIn', { username: borrower.phone, password: borrower.password });
  const fake = { is: () => {}, true: () => {} } as never;
  const first = await borrow(fake, app, '3000', '10');
  await payInFull(server, (await app.postApp('/Repay/payData', { oid: first.oid })).json().data);
  const second = await borrow(fake, app, '3000', '10');
  const partUrl: string = (await app.postApp('/Repay/payData', { oid: second.oid })).json().data;
  const transfer = (await reference(partUrl, 1)).json().data;
  await notify(server, { reference: transfer.reference, amount: '1000.00' });
  // The rest is a new link (a new amount): its chooser, a voucher and the sandbox checkout for it.
  const payUrl: string = (await app.postApp('/Repay/payData', { oid: second.oid })).json().data;
  const voucher = (await reference(payUrl, 2)).json().data;
  await app.postApp('/Repay/repayProof', { oid: second.oid, utr: '123456789012' });
  const complaint = await app.postApp('/Complaint/create', { topic: 'charges', body: 'The fee was higher than I expected.' });
  const number: string = complaint.json().data.number;
  const settlement = await server.db('settlements').where({ borrower_id: borrower.id }).orderBy('id', 'desc').first();
  const checkout = new URL(voucher.checkout);
  return { borrower, first, second, payUrl, number, receiptId: settlement.id as number, checkout: checkout.pathname + checkout.search };
}

// In the page as plain source: tsx would wrap named functions in a helper the page lacks.
const TAP_TARGETS = `(() => {
  const out = [];
  for (const el of document.querySelectorAll('a, button, input[type=checkbox], input[type=radio]')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0 || getComputedStyle(el).visibility === 'hidden') continue;
    // A checkbox or radio counts with its label: the label is what the thumb hits.
    const target = el.matches('input') ? (el.closest('label') || el) : el;
    const r = target.getBoundingClientRect();
    const min = el.matches('button, .button, input') ? 44 : 24;
    if (r.height < min - 0.5 || r.width < min - 0.5) out.push(el.tagName.toLowerCase() + ' "' + (el.textContent || '').trim().slice(0, 30) + '" ' + Math.round(r.width) + 'x' + Math.round(r.height) + ' < ' + min);
  }
  return out;
})()`;

interface Finding {
  page: string;
  problem: string;
}

/** What is wrong with the page in front of us, as a list (empty when all is well). */
async function inspect(page: Page, label: string, lang: 'es' | 'en'): Promise<Finding[]> {
  const found: Finding[] = [];
  const add = (problem: string) => found.push({ page: label, problem });
  // A mobile viewport widens itself to the content, so compare with the phone's 360px, not innerWidth.
  const width: number = await page.evaluate('Math.max(document.documentElement.scrollWidth, document.body.scrollWidth, window.innerWidth)');
  if (width > 360) add(`scrolls sideways: ${width}px wide`);

  await page.evaluate(AXE_SOURCE);
  const violations: Array<{ id: string; impact: string; where: string[] }> = await page.evaluate(
    `axe.run({ resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, where: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) })))`,
  );
  for (const v of violations) if (v.impact === 'serious' || v.impact === 'critical') add(`axe ${v.impact} ${v.id}: ${v.where.join(', ')}`);
  if ((await page.locator('h1').count()) !== 1) add('not exactly one h1');

  const small: string[] = await page.evaluate(TAP_TARGETS);
  for (const s of small) add(`small tap target: ${s}`);

  if (lang === 'es') {
    const text = await page.locator('body').innerText();
    const english = /\b(UTR|Grievance|Mon|Fri|Lender|settled|stp|Sandbox|You|Your|view_borrower)\b/.exec(text);
    if (english) add(`English or code on a Spanish page: "${english[0]}"`);
  }
  return found;
}

/** Opens a page, inspects it, screenshots it, then follows the language switch and checks it stays put. */
async function visit(page: Page, base: string, path: string, lang: 'es' | 'en', name: string): Promise<Finding[]> {
  const sep = path.includes('?') ? '&' : '?';
  const res = await page.goto(`${base}${path}${sep}lang=${lang}`);
  const findings: Finding[] = [];
  const label = `${name} (${lang})`;
  if (!res || res.status() >= 400) return [{ page: label, problem: `answered ${res?.status()}` }];
  findings.push(...(await inspect(page, label, lang)));
  await page.screenshot({ path: `${shots}/cuota-page-${name}-${lang}.png`, fullPage: true });

  const other = lang === 'es' ? 'en' : 'es';
  const before = new URL(page.url());
  await page.locator(`.langs a[hreflang=${other}]`).click();
  await page.waitForURL((u) => u.searchParams.get('lang') === other);
  const after = new URL(page.url());
  if (after.pathname.replace(/\.shtml$/, '') !== before.pathname.replace(/\.shtml$/, '')) findings.push({ page: label, problem: `switch went to ${after.pathname}` });
  for (const [k, v] of before.searchParams) {
    if (k !== 'lang' && after.searchParams.get(k) !== v) findings.push({ page: label, problem: `switch dropped ?${k}` });
  }
  if ((await page.locator('html').getAttribute('lang')) !== other) findings.push({ page: label, problem: 'switch did not change the language' });
  if (await page.locator('.error-page').count()) findings.push({ page: label, problem: 'switch landed on an error page' });
  return findings;
}

for (const lang of ['es', 'en'] as const) {
  test(`every borrower page in ${lang} at 360x740: fits, passes axe, big enough to tap, switch keeps the page`, async (t) => {
    // About forty pages, each run through axe-core: minutes on a shared two-core machine.
    t.timeout(10 * 60_000);
    const data = await busyBorrower();
    const waiting = await makeBorrower(server.db);
    const waitingApp = new Client(server.url);
    await waitingApp.postApp('/Index/ajaxSignIn', { username: waiting.phone, password: waiting.password });
    await waitingApp.postApp('/Loan/reLoan', { money: '3000', time: '10' });

    const findings: Finding[] = [];
    const visitor = await openPhoneBrowser();
    t.teardown(visitor.close);
    for (const [path, name] of [
      ['/Index/login', 'login'],
      ['/Repay/index.shtml', 'offer'],
      ['/Index/contact', 'support'],
      ['/Feedback/index', 'feedback'],
      ['/Complaint/index', 'complaints-visitor'],
      ['/Index/languages', 'languages'],
      ['/Index/register', 'sign-up'],
      ['/Index/forgot', 'forgot-password'],
      ['/Index/terms', 'terms'],
      ['/Index/privacy', 'privacy'],
      ['/Index/documents', 'documents'],
    ] as const) {
      findings.push(...(await visit(visitor.page, server.url, path, lang, name)));
    }

    const phone = await openPhoneBrowser();
    t.teardown(phone.close);
    await signInPage(phone.page, server.url, data.borrower.phone, data.borrower.password, lang);
    const payPath = new URL(data.payUrl).pathname;
    for (const [path, name] of [
      ['/Repay/index.shtml', 'home'],
      ['/Repay/orders', 'orders'],
      [`/Repay/loanDetail?oid=${data.second.oid}`, 'detail'],
      [`/Repay/loanDetail?oid=${data.first.oid}`, 'detail-repaid'],
      [`/Repay/loanDelay?oid=${data.second.oid}`, 'extension'],
      [`/Repay/exit?oid=${data.second.oid}`, 'exit'],
      [`/Loan/keyFacts?oid=${data.second.oid}`, 'key-facts'],
      [`/Repay/receipt?id=${data.receiptId}`, 'receipt'],
      [`/Repay/certificate?oid=${data.first.oid}`, 'certificate'],
      [`/Repay/disbursement?oid=${data.second.oid}`, 'disbursement'],
      ['/Loan/payout', 'payout'],
      [payPath, 'pay'],
      [`${payPath}?paytype=1`, 'pay-transfer'],
      [`${payPath}?paytype=2`, 'pay-cash'],
      [data.checkout, 'pay-sandbox'],
      ['/Loan/payout', 'payout'],
      ['/Bank/index', 'bank-accounts'],
      ['/Identity/index', 'identity-done'],
      ['/Index/profile', 'profile'],
      ['/Index/password', 'password'],
      ['/Complaint/index', 'complaints'],
      [`/Complaint/view?no=${data.number}`, 'complaint'],
      ['/Contact/index', 'contacts'],
    ] as const) {
      findings.push(...(await visit(phone.page, server.url, path, lang, name)));
    }

    const other = await openPhoneBrowser();
    t.teardown(other.close);
    await signInPage(other.page, server.url, waiting.phone, waiting.password, lang);
    findings.push(...(await visit(other.page, server.url, '/Repay/index.shtml', lang, 'home-awaiting')));
    findings.push(...(await visit(other.page, server.url, '/Loan/confirm', lang, 'confirm')));

    // A new borrower before verification: every identity step and the bank account form.
    const fresh = await makeBorrower(server.db, { verified: false });
    const newcomer = await openPhoneBrowser();
    t.teardown(newcomer.close);
    await signInPage(newcomer.page, server.url, fresh.phone, fresh.password, lang);
    for (const [path, name] of [
      ['/Repay/index.shtml', 'home-unverified'],
      ['/Identity/index', 'identity'],
      ['/Identity/personal', 'identity-personal'],
      ['/Identity/address', 'identity-address'],
      ['/Identity/work', 'identity-work'],
      ['/Identity/documents', 'identity-documents'],
      ['/Bank/index', 'bank-accounts-none'],
      ['/Loan/payout', 'payout-none'],
    ] as const) {
      findings.push(...(await visit(newcomer.page, server.url, path, lang, name)));
    }

    t.deepEqual(findings, []);
  });
}

/** Serious and critical axe-core findings and the h1 count of the page in front of us. */
async function axeFindings(page: Page, label: string): Promise<Finding[]> {
  const found: Finding[] = [];
  await page.evaluate(AXE_SOURCE);
  const violations: Array<{ id: string; impact: string; where: string[] }> = await page.evaluate(
    `axe.run({ resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, where: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) })))`,
  );
  for (const v of violations) if (v.impact === 'serious' || v.impact === 'critical') found.push({ page: label, problem: `axe ${v.impact} ${v.id}: ${v.where.join(', ')}` });
  if ((await page.locator('h1').count()) !== 1) found.push({ page: label, problem: 'not exactly one h1' });
  return found;
}

for (const lang of ['es', 'en'] as const) {
  test(`every console page in ${lang} at 1280x800 passes axe, and speaks of the borrower in staff words`, async (t) => {
    t.timeout(10 * 60_000);
    const data = await busyBorrower();
    const admin = await makeStaff(server.db, 'admin');
    const proof = await server.db('proofs').where({ borrower_id: data.borrower.id }).orderBy('id', 'desc').first();
    const complaint = await server.db('complaints').where({ number: data.number }).first();
    const desk = await openPhoneBrowser();
    t.teardown(desk.close);
    const { page } = desk;
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`${server.url}/support/login?lang=${lang}`);
    await page.locator('#f-email').fill(admin.email);
    await page.locator('#f-password').fill(admin.password);
    await page.locator('form button[type=submit]').click();
    await page.waitForURL(/\/support\/?$/);

    const findings: Finding[] = [];
    for (const [path, name] of [
      ['/support/', 'queue'],
      [`/support/proofs/${proof.id}`, 'proof'],
      ['/support/feedback', 'feedback'],
      ['/support/complaints', 'complaints'],
      [`/support/complaints/${complaint.id}`, 'complaint'],
      ['/support/identities', 'identities'],
      ['/support/loans', 'loans'],
      [`/support/borrowers?phone=${data.borrower.phone}`, 'borrower'],
      ['/support/audit', 'audit'],
      ['/support/payouts', 'payouts'],
    ] as const) {
      const res = await page.goto(`${server.url}${path}${path.includes('?') ? '&' : '?'}lang=${lang}`);
      const label = `console ${name} (${lang})`;
      if (!res || res.status() >= 400) {
        findings.push({ page: label, problem: `answered ${res?.status()}` });
        continue;
      }
      findings.push(...(await axeFindings(page, label)));
      const text = await page.locator('main').innerText();
      const wrong = /\b(view_borrower|sign_in|approve_proof|Your credit limit|For how long\?|Tu línea de crédito|¿Por cuánto tiempo\?)|^\{\}$/m.exec(text);
      if (wrong) findings.push({ page: label, problem: `borrower wording or raw code: "${wrong[0]}"` });
      await page.screenshot({ path: `${shots}/cuota-console-${name}-${lang}.png`, fullPage: true });
    }
    t.deepEqual(findings, []);
  });
}
