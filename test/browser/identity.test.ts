import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { openPhoneBrowser, shots, signInPage } from '../helpers/browser.ts';
import { clabeFor, makeBorrower } from '../helpers/factories.ts';
import { personWith, photo } from '../helpers/identity.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;
test.before(async () => {
  server = await startServer();
});
test.after.always(() => server?.close());

test('a new borrower completes every verification step in Spanish at 360 px, then takes a loan', async (t) => {
  const borrower = await makeBorrower(server.db, { verified: false });
  const person = personWith('Lucía Fernanda Robles');
  const clabe = clabeFor(770_001);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cuota-kyc-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const files = { front: path.join(dir, 'ine-frente.jpg'), back: path.join(dir, 'ine-reverso.jpg'), selfie: path.join(dir, 'selfie.jpg') };
  fs.writeFileSync(files.front, await photo());
  fs.writeFileSync(files.back, await photo('#d8d8d8'));
  fs.writeFileSync(files.selfie, await photo('#b08a6a'));

  const { page, close } = await openPhoneBrowser({ locale: 'es-MX' });
  t.teardown(close);
  const problems: string[] = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  page.on('pageerror', (e) => problems.push(e.message));
  const fitsPhone = async (what: string) => {
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    t.true(width <= 360, `${what}: no sideways scrolling at 360 px (page is ${width} px wide)`);
  };
  const flash = async () => (await page.locator('.flash').first().textContent())!;

  await signInPage(page, server.url, borrower.phone, borrower.password, 'es');
  t.regex((await page.locator('#kyc-missing').textContent())!, /Falta: tus datos personales/);
  t.is(await page.getByRole('button', { name: 'Solicitar este préstamo' }).count(), 0, 'no apply form before verification');
  await page.getByRole('link', { name: 'Completar este paso' }).click();

  // 1. Personal details.
  await page.waitForURL(/\/Identity\/personal$/);
  await page.getByLabel('Nombre completo (como en tu identificación)').fill(person.full_name);
  await page.getByLabel('Fecha de nacimiento').fill(person.birth_date);
  await page.getByLabel('CURP').fill('ABCD');
  await page.getByRole('button', { name: 'Guardar' }).click();
  t.regex((await page.locator('#e-id_number').textContent())!, /Esa CURP no es válida/);
  // That page came back with its real 422, which Chromium logs: expected, so forgotten here.
  problems.length = 0;
  await page.getByLabel('CURP').fill(person.id_number.toLowerCase());
  await fitsPhone('personal');
  await page.getByRole('button', { name: 'Guardar' }).click();
  await page.waitForURL(/\/Identity\/index$/);
  t.is(await flash(), 'Guardado.');
  t.regex((await page.locator('#step-personal').textContent())!, /En revisión/);

  // 2. Address.
  await page.locator('#step-address').getByRole('link', { name: 'Continuar' }).click();
  await page.getByLabel('Estado').selectOption({ label: 'Jalisco' });
  await page.getByLabel('Ciudad o municipio').selectOption({ label: 'Zapopan' });
  await fitsPhone('address');
  await page.getByRole('button', { name: 'Guardar' }).click();
  await page.waitForURL(/\/Identity\/index$/);
  t.regex((await page.locator('#kyc-progress').textContent())!, /1 de 5 listos/);

  // 3. Work and income.
  await page.locator('#step-work').getByRole('link', { name: 'Continuar' }).click();
  await page.getByLabel('Tipo de trabajo').selectOption({ label: 'Empleado con sueldo' });
  await page.getByLabel('De 10,000 a 20,000 MXN').check();
  await fitsPhone('work');
  await page.getByRole('button', { name: 'Guardar' }).click();
  await page.waitForURL(/\/Identity\/index$/);
  t.regex((await page.locator('#kyc-progress').textContent())!, /2 de 5 listos/);

  // 4. ID front and back and a selfie, shown back once sent.
  await page.locator('#step-documents').getByRole('link', { name: 'Continuar' }).click();
  await page.getByLabel('Identificación, frente').setInputFiles(files.front);
  await page.getByLabel('Identificación, reverso').setInputFiles(files.back);
  await page.getByLabel('Selfie').setInputFiles(files.selfie);
  await fitsPhone('documents');
  await page.getByRole('button', { name: 'Enviar fotos' }).click();
  await page.waitForURL(/\/Identity\/index$/);
  t.is(await flash(), 'Tu identidad está verificada.');
  t.regex((await page.locator('#kyc-progress').textContent())!, /4 de 5 listos/);
  await page.goto(`${server.url}/Identity/documents`);
  t.is(await page.locator('.shots img').count(), 3);
  t.true(await page.locator('.shots img').first().evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0), 'the borrower sees their own photo');

  // 5. The bank account.
  await page.goto(`${server.url}/Identity/index`);
  await page.locator('#step-bank').getByRole('link', { name: 'Continuar' }).click();
  await page.getByLabel('CLABE (18 dígitos)').fill(clabe);
  await fitsPhone('bank');
  await page.getByRole('button', { name: 'Agregar una cuenta' }).click();
  await page.waitForURL(/\/Bank\/index$/);
  t.is(await flash(), 'Cuenta verificada y guardada.');
  const card = (await page.locator('section.card').first().textContent())!;
  t.regex(card, new RegExp(`BBVA MEXICO\\s+•••• ${clabe.slice(-4)}`));
  t.false((await page.content()).includes(clabe), 'the account number is masked');
  await page.screenshot({ path: `${shots}/cuota-bank-es.png`, fullPage: true });

  await page.goto(`${server.url}/Identity/index`);
  t.regex((await page.locator('#kyc-progress').textContent())!, /5 de 5 listos/);
  await page.screenshot({ path: `${shots}/cuota-identity-es.png`, fullPage: true });
  await fitsPhone('progress');

  // Now the loan.
  await page.getByRole('link', { name: 'Pide un préstamo' }).click();
  await page.waitForURL(/\/Repay\/index\.shtml$/);
  await page.getByRole('button', { name: 'Solicitar este préstamo' }).click();
  await page.waitForURL(/\/Loan\/confirm$/);
  await page.getByLabel(/Leí los datos clave/).check();
  await page.getByRole('button', { name: /confirmo/i }).click();
  await page.waitForURL(/\/Repay\/index\.shtml(#kfs-ack)?$/);
  t.regex(await flash(), /¡Aprobado!/);
  t.is((await server.db('loans').where({ borrower_id: borrower.id })).length, 1);
  t.deepEqual(problems, []);
});
