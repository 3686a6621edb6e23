import http from 'node:http';
import type { AddressInfo } from 'node:net';
import test from 'ava';
import { Client } from '../helpers/client.ts';
import { makeBorrower } from '../helpers/factories.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { staffClient } from '../helpers/staff.ts';
import { codeFor, expectOutcome, freshPhone, lastMessage, signUpByApp } from '../helpers/signup.ts';

let server: TestServer;
// Every client here comes from 127.0.0.1: the per-address cap is tested in test/security/otp.test.ts.
test.before(async () => {
  server = await startServer({ OTP_PER_ADDRESS_HOUR: '10000', LENDER_NAME: 'Presta Fácil' });
});
test.after.always(() => server?.close());

const STRONG = 'Tulipan-azul-27';
const MINUTE = 60_000;

/** Walks the sign-up pages like a person: phone, code, password and terms. */
async function signUpByPages(phone: string, lang = 'en') {
  const web = new Client(server.url);
  const token = await web.csrf(`/Index/register?lang=${lang}`);
  const sent = await web.postForm('/Index/sendCode', { _csrf: token, purpose: 'register', phone });
  const codePage = await web.get('/Index/register');
  const code = await codeFor(server.url, phone);
  const verified = await web.postForm('/Index/verifyCode', { _csrf: token, purpose: 'register', code });
  const passwordPage = await web.get('/Index/register');
  const done = await web.postForm('/Index/ajaxRegister', { _csrf: token, password: STRONG, password_confirm: STRONG, accept: '1' });
  return { web, sent, codePage, verified, passwordPage, done };
}

test.serial('a new borrower signs up through the pages and is signed in, with the terms versions stored', async (t) => {
  const phone = freshPhone();
  const { web, sent, codePage, verified, passwordPage, done } = await signUpByPages(phone);
  t.is(sent.status, 303);
  t.is(sent.headers.get('location'), '/Index/register');
  t.regex(codePage.text, /name="code"/);
  t.regex(codePage.text, new RegExp(phone));
  t.is(verified.status, 303);
  t.regex(passwordPage.text, /name="password_confirm"/);
  t.regex(passwordPage.text, /href="\/Index\/terms"/);
  t.is(done.status, 303);
  t.is(done.headers.get('location'), '/Repay/index.shtml');
  const borrower = await server.db('borrowers').where({ phone }).first();
  t.truthy(borrower);
  t.is(Number(borrower.quota), server.config.product.quota);
  const accepted = await server.db('document_acceptances').where({ borrower_id: borrower.id }).orderBy('document');
  t.deepEqual(accepted.map((a: { document: string; version: string }) => [a.document, a.version]), [['privacy', '2026-11'], ['terms', '2026-11']]);
  const orders = await web.getJson('/Repay/orders');
  expectOutcome(t, orders, 200, 'the new borrower is signed in');
  const sms = await lastMessage(server.url, phone);
  t.regex(sms!.text, /^Presta Fácil: your code to open an account is \d{6}/, 'the message names the lender and the purpose');
});

test.serial('an existing phone gets the same answers; only its text message differs', async (t) => {
  const existing = await makeBorrower(server.db);
  const fresh = freshPhone();
  const answers = [];
  for (const phone of [fresh, existing.phone]) {
    const app = new Client(server.url);
    const json = await app.postApp('/Index/sendCode', { phone, purpose: 'register' });
    const web = new Client(server.url);
    const token = await web.csrf('/Index/register');
    const page = await web.postForm('/Index/sendCode', { _csrf: token, purpose: 'register', phone: `${phone}` });
    const next = await web.get('/Index/register');
    answers.push({
      json: { status: json.status, body: json.text },
      page: { status: page.status, location: page.headers.get('location'), next: next.text.replace(new RegExp(phone, 'g'), 'PHONE').replace(/content="[^"]+"|value="[A-Za-z0-9_-]{20,}"/g, '') },
    });
    server.clock.advance(MINUTE);
  }
  t.deepEqual(answers[0], answers[1]);
  t.regex((await lastMessage(server.url, existing.phone))!.text, /already have one. Sign in, or reset your password/);
  t.notRegex((await lastMessage(server.url, existing.phone))!.text, /\d{6}/, 'no code for an existing account');
  t.regex((await lastMessage(server.url, fresh))!.text, /\d{6}/);
  // Whatever the caller tries as the code, the existing phone answers like a wrong code.
  const app = new Client(server.url);
  const tried = await app.postApp('/Index/ajaxRegister', { phone: existing.phone, code: '123456', password: STRONG, password_confirm: STRONG, accept: '1' });
  expectOutcome(t, tried, 422);
  t.is((await server.db('borrowers').where({ phone: existing.phone })).length, 1);
});

test.serial('the app signs up in one call with the code; the answer is in Spanish when asked', async (t) => {
  const phone = freshPhone();
  const app = new Client(server.url);
  const sent = await app.postApp('/Index/sendCode?lang=es', { phone, purpose: 'register' });
  expectOutcome(t, sent, 200);
  t.deepEqual(sent.json().data, { expires_in: 300, resend_in: 60 });
  t.regex((await lastMessage(server.url, phone))!.text, /^Presta Fácil: tu código para abrir una cuenta es \d{6}/);
  const code = await codeFor(server.url, phone);
  const res = await app.postApp('/Index/ajaxRegister?lang=es', { phone, code, password: STRONG, password_confirm: STRONG, accept: '1' });
  expectOutcome(t, res, 200);
  t.deepEqual(res.json(), { status: 200, message: 'Registro exitoso.', data: '/Repay/index.shtml' });
  expectOutcome(t, await app.getJson('/Repay/orders'), 200);
});

test.serial('password policy: 8 characters, not common, not the phone, confirmed; terms must be accepted', async (t) => {
  const phone = freshPhone();
  const app = new Client(server.url);
  await app.postApp('/Index/sendCode', { phone, purpose: 'register' });
  const code = await codeFor(server.url, phone);
  t.truthy(await app.postApp('/Index/verifyCode', { phone, code, purpose: 'register' }));
  const attempt = (password: string, extra: Record<string, string> = {}) =>
    app.postApp('/Index/ajaxRegister', { phone, password, password_confirm: password, accept: '1', ...extra });
  for (const [password, message] of [
    ['Ab1!x', 'Use at least 8 characters.'],
    ['password123', /too common/],
    ['qwertyuiop', /too common/],
    ['12345678', /too common/],
    [phone, /too common/],
  ] as const) {
    const res = await attempt(password);
    expectOutcome(t, res, 422, password);
    if (typeof message === 'string') t.is(res.json().message, message);
    else t.regex(res.json().message, message);
  }
  const mismatch = await app.postApp('/Index/ajaxRegister', { phone, password: STRONG, password_confirm: `${STRONG}x`, accept: '1' });
  t.is(mismatch.json().message, 'The two passwords do not match.');
  const noTerms = await app.postApp('/Index/ajaxRegister', { phone, password: STRONG, password_confirm: STRONG });
  t.regex(noTerms.json().message, /Accept the terms/);
  t.is(await server.db('borrowers').where({ phone }).first(), undefined, 'nothing was created');
  expectOutcome(t, await attempt(STRONG), 200, 'the verified code still opens the account');
});

test.serial('a page form with a bad password re-renders with the error beside the field', async (t) => {
  const phone = freshPhone();
  const web = new Client(server.url);
  const token = await web.csrf('/Index/register?lang=es');
  await web.postForm('/Index/sendCode', { _csrf: token, purpose: 'register', phone });
  await web.postForm('/Index/verifyCode', { _csrf: token, purpose: 'register', code: await codeFor(server.url, phone) });
  const res = await web.postForm('/Index/ajaxRegister', { _csrf: token, password: 'contraseña', password_confirm: 'x', accept: '1' });
  // "contraseña" is not in the English common list; the mismatch is reported then.
  t.is(res.status, 422);
  t.regex(res.text, /id="e-password_confirm"|id="e-password"/);
  t.regex(res.text, /<html lang="es">/);
  const csrfless = await new Client(server.url).postForm('/Index/sendCode', { purpose: 'register', phone });
  t.is(csrfless.status, 403, 'a form without the token is refused');
});

test.serial('a burst of 50 parallel verifications claims at most 5 tries', async (t) => {
  const phone = freshPhone();
  const app = new Client(server.url);
  await app.postApp('/Index/sendCode', { phone, purpose: 'register' });
  const code = await codeFor(server.url, phone);
  const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
  const answers = await Promise.all(
    Array.from({ length: 50 }, () => new Client(server.url).postApp('/Index/verifyCode', { phone, code: wrong, purpose: 'register' })),
  );
  const messages = answers.map((a) => a.json().message);
  t.is(messages.filter((m) => /not right/.test(m)).length, 5, 'exactly five tries were counted');
  t.is(messages.filter((m) => /expired/.test(m)).length, 45);
  for (const a of answers) expectOutcome(t, a, 422);
  const row = await server.db('one_time_codes').where({ phone }).first();
  t.is(Number(row.attempts), 5);
  const right = await app.postApp('/Index/verifyCode', { phone, code, purpose: 'register' });
  expectOutcome(t, right, 422, 'the right code is dead too');
});

test.serial('asking again within 60 s answers 429 with Retry-After', async (t) => {
  const phone = freshPhone();
  const app = new Client(server.url);
  expectOutcome(t, await app.postApp('/Index/sendCode', { phone }), 200);
  server.clock.advance(15_000);
  const again = await app.postApp('/Index/sendCode', { phone });
  expectOutcome(t, again, 429);
  t.is(again.headers.get('retry-after'), '45');
  t.is(again.json().message, 'Please wait 45 seconds before asking for another code.');
  server.clock.advance(45_000);
  expectOutcome(t, await app.postApp('/Index/sendCode', { phone }), 200);
});

test.serial('forgot password: a code, a new password, and every session of the borrower ends', async (t) => {
  const b = await makeBorrower(server.db);
  const phone = new Client(server.url);
  const laptop = new Client(server.url);
  await phone.signIn(b.phone, b.password);
  await laptop.signIn(b.phone, b.password);
  expectOutcome(t, await laptop.getJson('/Repay/orders'), 200);

  const web = new Client(server.url);
  const login = await web.get('/Index/login');
  t.regex(login.text, /href="\/Index\/forgot"/);
  t.regex(login.text, /href="\/Index\/register"/);
  const token = await web.csrf('/Index/forgot');
  const sent = await web.postForm('/Index/sendCode', { _csrf: token, purpose: 'reset', phone: b.phone });
  t.is(sent.headers.get('location'), '/Index/forgot');
  const sms = await lastMessage(server.url, b.phone);
  t.regex(sms!.text, /your code to reset your password is \d{6}/);
  await web.postForm('/Index/verifyCode', { _csrf: token, purpose: 'reset', code: await codeFor(server.url, b.phone) });
  const done = await web.postForm('/Index/ajaxResetPwd', { _csrf: token, password: STRONG, password_confirm: STRONG });
  t.is(done.status, 303);
  t.is(done.headers.get('location'), '/Index/login');

  t.is((await phone.getJson('/Repay/orders')).json().status, -100, 'the phone was signed out');
  t.is((await laptop.getJson('/Repay/orders')).json().status, -100, 'the laptop was signed out');
  t.is(await server.db('sessions').where({ borrower_id: b.id }).first(), undefined);
  const old = await new Client(server.url).postApp('/Index/ajaxSignIn', { username: b.phone, password: b.password });
  expectOutcome(t, old, 401);
  const fresh = await new Client(server.url).postApp('/Index/ajaxSignIn', { username: b.phone, password: STRONG });
  expectOutcome(t, fresh, 200);
});

test.serial('a reset for a phone without an account answers the same and says so by SMS', async (t) => {
  const nobody = freshPhone();
  const someone = await makeBorrower(server.db);
  const a = await new Client(server.url).postApp('/Index/sendCode', { phone: nobody, purpose: 'reset' });
  const b = await new Client(server.url).postApp('/Index/sendCode', { phone: someone.phone, purpose: 'reset' });
  t.is(a.text, b.text);
  t.is(a.status, b.status);
  t.regex((await lastMessage(server.url, nobody))!.text, /has no account/);
  const res = await new Client(server.url).postApp('/Index/ajaxResetPwd', { phone: nobody, code: '000000', password: STRONG, password_confirm: STRONG });
  expectOutcome(t, res, 422);
});

test.serial('change password (signed in): current one checked, other sessions end, this one goes on', async (t) => {
  const phone = freshPhone();
  const { app: here } = await signUpByApp(server.url, phone);
  const elsewhere = new Client(server.url);
  await elsewhere.postApp('/Index/ajaxSignIn', { username: phone, password: STRONG });
  const profile = await here.get('/Index/profile');
  t.regex(profile.text, /href="\/Index\/password"/);
  t.regex(profile.text, /2026-11/);
  const profileJson = await here.getJson('/Index/profile');
  t.is(profileJson.json().data.phone, phone);
  t.is(profileJson.json().data.documents.length, 2);

  const wrong = await here.postApp('/Index/ajaxChangePwd', { old_password: 'not-it-at-all', password: 'Girasol-rojo-48', password_confirm: 'Girasol-rojo-48' });
  expectOutcome(t, wrong, 422);
  t.is(wrong.json().message, 'The current password is not right.');
  t.truthy(await server.db('login_failures').where({ phone }).first(), 'a wrong current password counts like a failed sign-in');
  const same = await here.postApp('/Index/ajaxChangePwd', { old_password: STRONG, password: STRONG, password_confirm: STRONG });
  expectOutcome(t, same, 422);

  const ok = await here.postApp('/Index/ajaxChangePwd', { old_password: STRONG, password: 'Girasol-rojo-48', password_confirm: 'Girasol-rojo-48' });
  expectOutcome(t, ok, 200);
  expectOutcome(t, await here.getJson('/Repay/orders'), 200, 'this device stays signed in');
  t.is((await elsewhere.getJson('/Repay/orders')).json().status, -100, 'the other device was signed out');
  expectOutcome(t, await new Client(server.url).postApp('/Index/ajaxSignIn', { username: phone, password: 'Girasol-rojo-48' }), 200);
  t.is((await new Client(server.url).getJson('/Index/profile')).json().status, -100, 'visitors have no profile');
});

test.serial('terms and privacy are versioned pages in each language, listed like the spec protocol list', async (t) => {
  const web = new Client(server.url);
  const es = await web.get('/Index/terms?lang=es');
  t.is(es.status, 200);
  t.regex(es.text, /Términos del servicio/);
  t.regex(es.text, /2026-11/);
  t.regex((await web.get('/Index/privacy?lang=en')).text, /Privacy Notice/);
  t.is((await web.get('/Index/terms?version=1999-01')).status, 404);
  const json = await web.getJson('/Index/terms?lang=en');
  t.like(json.json().data, { document: 'terms', version: '2026-11', lang: 'en', title: 'Terms of Service' });
  const list = await web.getJson('/Index/documents');
  t.deepEqual(
    list.json().data.list.map((d: { code: string; value: string }) => [d.code, d.value]),
    [['protocol_register', '/Index/terms'], ['protocol_privacy', '/Index/privacy']],
  );
});

test.serial('the console shows sign-up time, accepted versions and code requests, never the codes', async (t) => {
  const phone = freshPhone();
  await signUpByApp(server.url, phone);
  const code = await codeFor(server.url, phone);
  const { c: staff } = await staffClient(server, 'admin');
  const page = await staff.get(`/support/borrowers?phone=${phone}`);
  t.is(page.status, 200);
  t.regex(page.text, /id="account"/);
  t.regex(page.text, /Terms of Service · <code>2026-11<\/code>/);
  t.regex(page.text, /sign-up · 127\.0\.0\.1 · used/);
  t.false(page.text.includes(code), 'the code is not shown');
  const hash = (await server.db('one_time_codes').where({ phone }).first()).code_hash;
  t.false(page.text.includes(hash), 'nor its hash');
});

test.serial('the outbox exists outside production only', async (t) => {
  t.is((await new Client(server.url).get('/dev/outbox')).status, 200);
  const prod = await startServer({
    NODE_ENV: 'production',
    SESSION_SECRET: 's'.repeat(40),
    PAYMENT_WEBHOOK_SECRET: 'w'.repeat(40),
    PAYMENT_GATEWAY: 'sandbox',
    DATA_KEY: 'p1:' + Buffer.alloc(32, 7).toString('base64'), DATA_HASH_KEY: 'h'.repeat(32), KYC_PROVIDER: 'sandbox',
  });
  t.teardown(() => prod.close());
  const app = new Client(prod.url);
  await app.postApp('/Index/sendCode', { phone: freshPhone() });
  t.is((await app.get('/dev/outbox')).status, 404);
  t.is((await app.getJson('/dev/outbox')).json().status, 404);
});

test.serial('the HTTP sender posts to the provider, and a provider failure answers 503 without a trace', async (t) => {
  const received: Array<{ auth?: string; body: unknown }> = [];
  let fail = false;
  const provider = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ auth: req.headers.authorization, body: JSON.parse(body) });
      res.statusCode = fail ? 500 : 202;
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => provider.listen(0, '127.0.0.1', resolve));
  t.teardown(() => provider.close());
  const { port } = provider.address() as AddressInfo;
  const real = await startServer({ SMS_SENDER: 'http', SMS_HTTP_URL: `http://127.0.0.1:${port}/send`, SMS_HTTP_TOKEN: 'tok-123', SMS_FROM: 'PRESTA' });
  t.teardown(() => real.close());
  const phone = freshPhone();
  const app = new Client(real.url);
  expectOutcome(t, await app.postApp('/Index/sendCode?lang=es', { phone }), 200);
  t.is(received.length, 1);
  t.is(received[0]!.auth, 'Bearer tok-123');
  t.like(received[0]!.body, { from: 'PRESTA', to: phone });
  t.regex((received[0]!.body as { text: string }).text, /tu código para abrir una cuenta es \d{6}/);
  t.is((await app.get('/dev/outbox')).status, 404, 'no outbox with a real provider');
  fail = true;
  real.clock.advance(MINUTE);
  const failed = await app.postApp('/Index/sendCode', { phone });
  t.is(failed.json().status, 503);
  t.regex(failed.json().message, /No pudimos enviar el mensaje de texto/, 'in the language the session chose');
  t.notRegex(failed.text, /\.ts:\d+|Error:/, 'no stack trace');
  t.is(received.length, 2);
});
