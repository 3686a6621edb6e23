import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { openPhoneBrowser, shots, signInPage } from '../helpers/browser.ts';
import { screenshotPng } from '../helpers/images.ts';
import { signedInApp } from '../helpers/loans.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;
let dir: string;
test.before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cuota-browser-fb-'));
  server = await startServer({ CONTACTS_ENABLED: 'true' });
});
test.after.always(async () => {
  await server?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const signIn = (page: import('playwright-core').Page, phone: string, password: string, lang: 'es' | 'en') =>
  signInPage(page, server.url, phone, password, lang);

test('send feedback with a photo in Spanish at 360x740', async (t) => {
  const { borrower } = await signedInApp(server);
  const photo = path.join(dir, 'foto.png');
  fs.writeFileSync(photo, await screenshotPng('error en la app'));
  const { page, close } = await openPhoneBrowser({ locale: 'es-MX' });
  t.teardown(close);
  await signIn(page, borrower.phone, borrower.password, 'es');
  await page.getByRole('link', { name: 'Comentarios' }).click();
  t.is(await page.getByLabel('Teléfono o correo para responderte').inputValue(), borrower.phone);
  await page.getByLabel('Tu mensaje').fill('La app se cierra al pagar.');
  await page.getByLabel('Capturas (opcional)').setInputFiles(photo);
  await page.getByRole('button', { name: 'Enviar comentarios' }).click();
  await page.waitForSelector('.flash');
  t.regex((await page.locator('.flash').textContent())!, /Recibimos tu mensaje/);
  const row = await server.db('feedback').where({ borrower_id: borrower.id }).first();
  t.is(row.comments, 'La app se cierra al pagar.');
  t.is(JSON.parse(row.attachments).length, 1);
});

test('add two emergency contacts in English at 360x740', async (t) => {
  const { borrower } = await signedInApp(server);
  const { page, close } = await openPhoneBrowser();
  t.teardown(close);
  await signIn(page, borrower.phone, borrower.password, 'en');
  await page.getByRole('link', { name: 'Emergency contacts' }).click();
  await page.getByRole('button', { name: 'I agree' }).click();
  await page.locator('#c0-name').fill('Rosa Pérez');
  await page.locator('#c0-phone').fill('55 1111 0000');
  await page.locator('#c0-relate').selectOption('parent');
  await page.locator('#c1-name').fill('Luis Gómez');
  await page.locator('#c1-phone').fill('+52 55 2222 3333');
  await page.locator('#c1-relate').selectOption('friend');
  await page.getByRole('button', { name: 'Save contacts' }).click();
  await page.waitForSelector('.flash');
  const text = (await page.locator('main').textContent())!;
  t.regex(text, /What we keep: 2 contacts/);
  t.regex(text, /Rosa Pérez · 5511110000 · Parent/);
  t.regex(text, /Luis Gómez · \+525522223333 · Friend/);
  t.true(await page.evaluate(() => document.documentElement.scrollWidth <= 360));
  await page.screenshot({ path: `${shots}/cuota-contacts-en.png`, fullPage: true });
  await page.getByRole('button', { name: /Withdraw my consent/ }).click();
  await page.waitForSelector('.flash');
  t.is((await server.db('contacts').where({ borrower_id: borrower.id })).length, 0);
});
