import test from 'ava';
import { openPhoneBrowser, shots } from '../helpers/browser.ts';
import { makeBorrower } from '../helpers/factories.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;
test.before(async () => {
  server = await startServer();
  await makeBorrower(server.db, { phone: '9680304707', password: '123456' });
});
test.after.always(() => server?.close());

test('a borrower switches to Spanish, signs in through the form at 360x740, and signs out', async (t) => {
  const { page, close } = await openPhoneBrowser();
  t.teardown(close);
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('requestfailed', (r) => errors.push(`failed: ${r.url()}`));

  await page.goto(server.url + '/');
  t.is(await page.locator('h1').textContent(), 'Sign in');
  await page.getByRole('link', { name: 'Español' }).click();
  await page.waitForURL(/lang=es/);
  t.is(await page.locator('h1').textContent(), 'Iniciar sesión');
  t.is(await page.getAttribute('html', 'lang'), 'es');

  await page.getByLabel('Número de teléfono').fill('9680304707');
  await page.getByLabel('Contraseña').fill('123456');
  await page.getByRole('button', { name: 'Entrar' }).click();
  await page.waitForURL(/\/Repay\/index\.shtml$/);
  t.regex((await page.locator('.who').textContent())!, /Sesión iniciada como 9680304707/);
  t.regex((await page.locator('.quota .big').textContent())!, /\$5,000\.00/);

  // Usable at 360 px: nothing wider than the screen, the stylesheet applied.
  t.true(await page.evaluate(() => document.documentElement.scrollWidth <= 360));
  t.not(await page.locator('.top').evaluate((el) => getComputedStyle(el).backgroundColor), 'rgba(0, 0, 0, 0)');
  await page.screenshot({ path: `${shots}/cuota-home-es.png`, fullPage: true });

  await page.getByRole('button', { name: 'Cerrar sesión' }).click();
  await page.waitForURL(/signedOut=1/);
  t.regex((await page.locator('.flash').textContent())!, /Cerraste tu sesión/);
  t.deepEqual(errors, []);
});

test('the login form works with JavaScript turned off, and a wrong password is explained', async (t) => {
  const { page, close } = await openPhoneBrowser({ javaScriptEnabled: false, locale: 'es-MX' });
  t.teardown(close);
  await page.goto(server.url + '/Index/login');
  t.is(await page.locator('h1').textContent(), 'Iniciar sesión', 'Accept-Language chose Spanish');
  await page.getByLabel('Número de teléfono').fill('9680304707');
  await page.getByLabel('Contraseña').fill('wrong');
  await page.getByRole('button', { name: 'Entrar' }).click();
  t.regex((await page.locator('[role=alert]').textContent())!, /contraseña incorrectos/);
  t.is(await page.getByLabel('Número de teléfono').inputValue(), '9680304707');
  await page.getByLabel('Contraseña').fill('123456');
  await page.getByRole('button', { name: 'Entrar' }).click();
  await page.waitForURL(/\/Repay\/index\.shtml$/);
  t.regex((await page.locator('.who').textContent())!, /9680304707/);
});
