import test from 'ava';
import { Client } from '../helpers/client.ts';
import { examples, shape } from '../helpers/contract.ts';
import { makeBorrower } from '../helpers/factories.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;
let borrower: { id: number; phone: string; password: string };

test.before(async () => {
  // These tests sign the one borrower in at the same time; each attempt counts
  // against the lockout until its password is checked, so allow more than five.
  server = await startServer({ LOGIN_MAX_PER_PHONE: '20' });
  borrower = await makeBorrower(server.db, { phone: '9680304707', password: '123456' });
});
test.after.always(() => server?.close());

test('Index/ajaxSignIn answers the contract JSON to the app and starts a session', async (t) => {
  const app = new Client(server.url);
  const res = await app.postApp('/Index/ajaxSignIn', { username: borrower.phone, password: '123456' });
  t.is(res.status, 200);
  t.deepEqual(res.json(), examples['Index/ajaxSignIn']);
  const loans = await app.getJson('/Repay/loans');
  t.is(loans.json().data.quota, '5000.00');
  t.not(loans.json().data.status, -100);
});

test('Index/ajaxSignIn accepts a JSON body too', async (t) => {
  const app = new Client(server.url);
  const res = await app.request('POST', '/Index/ajaxSignIn', {
    body: JSON.stringify({ username: borrower.phone, password: '123456' }),
    headers: { 'Content-Type': 'application/json', 'X-Requested-With': 'XMLHttpRequest' },
  });
  t.is(res.status, 200);
  t.is(res.json().data, '/Repay/index.shtml');
});

test('Index/ajaxSignIn message is Spanish for a Spanish client', async (t) => {
  const app = new Client(server.url);
  const res = await app.postApp(
    '/Index/ajaxSignIn',
    { username: borrower.phone, password: '123456' },
    { 'Accept-Language': 'es-MX,es;q=0.9,en;q=0.5' },
  );
  t.is(res.json().message, 'inicio de sesión exitoso');
  const bad = await app.postApp('/Index/ajaxSignIn', { username: '', password: '' }, { 'Accept-Language': 'es' });
  t.is(bad.status, 200, 'a refusal is HTTP 200 with its code in the envelope');
  t.deepEqual(bad.json(), { status: 422, message: 'Ingresa tu número de teléfono.', data: '' });
});

test('the login form signs in with 303 to the home page, which shows the phone and a sign-out button', async (t) => {
  const browser = new Client(server.url);
  const res = await browser.signIn(borrower.phone, '123456');
  t.is(res.status, 303);
  t.is(res.headers.get('location'), '/Repay/index.shtml');
  const home = await browser.get('/Repay/index.shtml');
  t.is(home.status, 200);
  t.regex(home.text, /<p class="flash" role="status">You are signed in\.<\/p>/);
  t.regex(home.text, /Signed in as 9680304707/);
  t.notRegex((await browser.get('/Repay/index.shtml')).text, /You are signed in\./, 'the flash shows once');
  t.regex(home.text, /action="\/Index\/ajaxLogOut"/);
  t.is(home.headers.get('cache-control'), 'no-store');
});

test('the login page is at / and /Index/login, in English and Spanish, with a language switch', async (t) => {
  const browser = new Client(server.url);
  for (const path of ['/', '/Index/login', '/index/login.html']) {
    const page = await browser.get(path);
    t.is(page.status, 200, path);
    t.regex(page.text, /<h1>Sign in<\/h1>/);
    t.regex(page.text, /href="[^"]*\?lang=es"/);
  }
  const es = await browser.get('/Index/login?lang=es');
  t.regex(es.text, /<html lang="es">/);
  t.regex(es.text, /<h1>Iniciar sesión<\/h1>/);
  // The choice sticks to the session, whatever the browser's Accept-Language says.
  const again = await browser.get('/Index/login', { 'Accept-Language': 'en' });
  t.regex(again.text, /<h1>Iniciar sesión<\/h1>/);
});

test('a wrong password re-renders the form with the phone kept and a localized message', async (t) => {
  const browser = new Client(server.url);
  const token = await browser.csrf('/Index/login?lang=es');
  const res = await browser.postForm('/Index/ajaxSignIn', { _csrf: token, username: borrower.phone, password: 'nope' });
  t.is(res.status, 401);
  t.regex(res.text, /Número de teléfono o contraseña incorrectos/);
  t.regex(res.text, /value="9680304707"/);
  t.notRegex(res.text, /value="nope"/);
});

test('an empty form gets 422 with a message beside each field', async (t) => {
  const browser = new Client(server.url);
  const token = await browser.csrf();
  const res = await browser.postForm('/Index/ajaxSignIn', { _csrf: token, username: ' ', password: '' });
  t.is(res.status, 422);
  t.regex(res.text, /id="e-username">Enter your phone number\./);
  t.regex(res.text, /id="e-password">Enter your password\./);
});

test('Index/ajaxLogOut answers the contract JSON and ends the session', async (t) => {
  const app = new Client(server.url);
  await app.postApp('/Index/ajaxSignIn', { username: borrower.phone, password: '123456' });
  const res = await app.request('GET', '/Index/ajaxLogOut', {
    headers: { 'X-Requested-With': 'XMLHttpRequest', Accept: 'application/json' },
  });
  t.is(res.status, 200);
  t.deepEqual(res.json(), examples['Index/ajaxLogOut']);
  t.is((await app.getJson('/Repay/loans')).json().data.status, -100);
});

test('Index/ajaxLogOut in Spanish', async (t) => {
  const app = new Client(server.url);
  await app.postApp('/Index/ajaxSignIn', { username: borrower.phone, password: '123456' });
  const res = await app.postApp('/Index/ajaxLogOut', {}, { 'Accept-Language': 'es' });
  t.deepEqual(res.json(), { status: 200, message: 'Sesión cerrada correctamente' });
});

test('the sign-out button ends the session and lands on the login page with a notice', async (t) => {
  const browser = new Client(server.url);
  await browser.signIn(borrower.phone, '123456');
  const home = await browser.get('/Repay/index.shtml');
  const token = /name="_csrf" value="([^"]+)"/.exec(home.text)![1]!;
  const res = await browser.postForm('/Index/ajaxLogOut', { _csrf: token });
  t.is(res.status, 303);
  t.is(res.headers.get('location'), '/Index/login?signedOut=1&lang=en');
  const login = await browser.get(res.headers.get('location')!);
  t.regex(login.text, /You have signed out\./);
  t.notRegex((await browser.get('/Repay/index.shtml')).text, /Signed in as/);
});

test('Index/languages answers the contract JSON for GET and POST, and a page', async (t) => {
  const app = new Client(server.url);
  t.deepEqual((await app.getJson('/Index/languages')).json(), examples['Index/languages']);
  t.deepEqual((await app.postApp('/Index/languages', {})).json(), examples['Index/languages']);
  const page = await app.get('/Index/languages?lang=es');
  t.is(page.status, 200);
  t.regex(page.text, /<h1>Idioma<\/h1>/);
});

test('Repay/loans for a visitor matches the spec example exactly, in both languages', async (t) => {
  const app = new Client(server.url);
  const en = await app.getJson('/Repay/loans');
  t.deepEqual(en.json(), examples['Repay/loans (visitor)']);
  // Accept-Encoding too: the answer may arrive compressed (issue 16).
  t.is(en.headers.get('vary'), 'Accept-Encoding, Accept');
  const es = await app.getJson('/Repay/loans', { 'Accept-Language': 'es' });
  t.deepEqual(shape(es.json()), shape(examples['Repay/loans (visitor)']));
  t.is(es.json().message, 'Si el usuario no ha iniciado sesión, se muestra el cupo predeterminado');
});

test('JSON unless the client prefers text/html: no Accept and */* get JSON, ?format=json forces it', async (t) => {
  const app = new Client(server.url);
  const type = async (headers: Record<string, string>, path = '/Repay/loans') =>
    (await app.request('GET', path, { headers })).headers.get('content-type')!;
  t.regex(await type({}), /json/, 'no Accept at all (OkHttp)');
  t.regex(await type({ Accept: '*/*' }), /json/);
  t.regex(await type({ Accept: 'application/json' }), /json/);
  t.regex(await type({ 'X-Requested-With': 'XMLHttpRequest', Accept: 'text/html' }), /json/);
  t.regex(await type({ Accept: 'text/html' }, '/Repay/loans?format=json'), /json/);
  t.regex(await type({ Accept: 'application/json;q=0.5, text/html' }), /html/);
  t.regex(await type({ Accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' }), /html/, 'a browser navigating');
  t.regex(await type({ Accept: 'text/html,*/*;q=0.8' }), /html/);
});

test('the visitor home page shows the configured quota, terms and rates, in both languages', async (t) => {
  const browser = new Client(server.url);
  const en = await browser.get('/Repay/index.shtml');
  t.is(en.status, 200);
  t.regex(en.text, /MX\$5,000\.00/);
  t.regex(en.text, /<li class="default">7 days<\/li>/);
  t.regex(en.text, /20 days/);
  t.regex(en.text, /4\.3%\s*per day/);
  t.regex(en.text, /href="\/Index\/login"/);
  const es = await browser.get('/Repay/index.shtml?lang=es');
  t.regex(es.text, /\$5,000\.00/);
  t.regex(es.text, /10 días/);
  t.regex(es.text, /0\.72\s*%\s*por día/);
});

test('paths are case-insensitive and accept .shtml/.html', async (t) => {
  const app = new Client(server.url);
  for (const path of ['/repay/LOANS', '/Repay/loans.html', '/REPAY/index.shtml', '/index/languages']) {
    t.is((await app.getJson(path)).status, 200, path);
  }
});

test('Repay/orders answers -100 in the envelope to a visitor and sends a browser to the login page', async (t) => {
  const app = new Client(server.url);
  const json = await app.getJson('/Repay/orders');
  t.is(json.status, 200);
  t.deepEqual(json.json(), { status: -100, message: 'Please sign in first.', data: '' });
  const page = await app.get('/Repay/orders');
  t.is(page.status, 302);
  t.is(page.headers.get('location'), '/Index/login');
});

test('unknown routes get a 404 page or the JSON envelope', async (t) => {
  const app = new Client(server.url);
  const json = await app.getJson('/No/suchThing');
  t.is(json.status, 200);
  t.deepEqual(json.json(), { status: 404, message: 'We could not find that page.', data: '' });
  const page = await app.get('/No/suchThing?lang=es');
  t.is(page.status, 404);
  t.regex(page.headers.get('content-type')!, /html/);
  t.regex(page.text, /No encontramos esa página/);
});

test('a malformed JSON body gets 400 in the envelope', async (t) => {
  const app = new Client(server.url);
  const res = await app.request('POST', '/Index/ajaxSignIn', {
    body: '{"username":',
    headers: { 'Content-Type': 'application/json', 'X-Requested-With': 'XMLHttpRequest', Accept: 'application/json' },
  });
  t.is(res.status, 200);
  t.is(res.json().status, 400);
  t.is(res.json().data, '');
});
