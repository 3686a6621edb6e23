import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Where the browser tests leave their screenshots. */
export const shots = process.env.SCREENSHOT_DIR ?? '/tmp';

/**
 * Debian's Chromium through playwright-core, phone-sized (360x740), with a
 * fresh profile directory that is removed on close. The flags keep it from
 * reaching for the network this machine does not have.
 */
export async function openPhoneBrowser(options: { javaScriptEnabled?: boolean; locale?: string } = {}) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'cuota-chromium-'));
  const context: BrowserContext = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
    ],
    viewport: { width: 360, height: 740 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: options.locale ?? 'en-US',
    javaScriptEnabled: options.javaScriptEnabled ?? true,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Signs a borrower in through the login form in one language and waits for the home page. */
export async function signInPage(page: Page, base: string, phone: string, password: string, lang: 'es' | 'en') {
  await page.goto(`${base}/Index/login?lang=${lang}`);
  await page.locator('#f-username').fill(phone);
  await page.locator('#f-password').fill(password);
  await page.locator('form button[type=submit]').click();
  await page.waitForURL(/\/Repay\/index\.shtml$/);
}
