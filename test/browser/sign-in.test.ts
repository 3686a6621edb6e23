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

// Serial: the server's log must hold this browser's requests alone.
test.serial('a borrower switches to Spanish, signs in through the form at 360x740, and signs out', async (t) => {
  const { page, close } = await openPhoneBrowser();
  t.teardown(close);
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('requestfailed', (r) => errors.push(`failed: ${r.url()}`));

  await page.goto(server.url + '/');
  t.is(await page.locator('h1').textContent(), 'Sign in');
  // The first page carries the stylesheet inline and fetches the file for the next ones.
  t.is(await page.locator('head style').count(), 1);
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

  // Usable at 360 px: nothing wider than the screen, the stylesheet applied, from the cached file now.
  t.is(await page.locator('head style').count(), 0);
  t.is(await page.locator('head link[rel=stylesheet]:not([media])').count(), 1);
  t.true(await page.evaluate(() => document.documentElement.scrollWidth <= 360));
  t.not(await page.locator('.top').evaluate((el) => getComputedStyle(el).backgroundColor), 'rgba(0, 0, 0, 0)');
  const fetched = server.logs.filter((l) => /^\/css\/app\.[0-9a-f]{10}\.css$/.test(String(l.route)));
  t.deepEqual(fetched.map((l) => l.status), [200], 'fetched once, on the first page, then taken from the cache');
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
