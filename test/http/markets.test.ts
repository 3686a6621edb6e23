// One portal, three markets: the main journey once per market, over HTTP, with each market's
// currency, identity numbers, accounts, payment methods, regulator and languages.
import test from 'ava';
import { seedDemoAccounts, DEMO_BY_MARKET } from '../../src/services/seed.ts';
import { Client } from '../helpers/client.ts';
import { pdfText } from '../helpers/pdf.ts';
import { notify, reference } from '../helpers/payments.ts';
import { expectOutcome, signUpByApp } from '../helpers/signup.ts';
import { makeBorrower } from '../helpers/factories.ts';
import { startMarketServer } from '../helpers/server.ts';
import { staffClient } from '../helpers/staff.ts';

interface Expect {
  /** The quota as the home page shows it in the market's default language. */
  quota: string;
  lang: string;
  languages: string[];
  kfsTitle: string;
  regulator: RegExp;
  payTypes: number[];
  transferTitle: string;
  /** What the receipt PDF must contain besides the reference. */
  pdf: string[];
}

const MARKETS: Record<'mx' | 'in' | 'ng', Expect> = {
  mx: {
    quota: 'MX$5,000.00',
    lang: 'en',
    languages: ['Spanish', 'English'],
    kfsTitle: 'Key facts statement',
    regulator: /CONDUSEF/,
    payTypes: [1, 2],
    transferTitle: 'Bank transfer (SPEI)',
    pdf: ['Payment receipt'],
  },
  in: {
    quota: '₹5,000.00',
    lang: 'hi',
    languages: ['Hindi', 'English'],
    kfsTitle: 'मुख्य तथ्य विवरण (KFS)',
    regulator: /RBI Integrated Ombudsman[^<]*[\s\S]*cms\.rbi\.org\.in/,
    payTypes: [1],
    transferTitle: 'UPI या बैंक ट्रांसफ़र',
    pdf: ['भुगतान रसीद', '₹'],
  },
  ng: {
    quota: '₦5,000.00',
    lang: 'en',
    languages: ['English'],
    kfsTitle: 'Key facts statement',
    regulator: /FCCPC[\s\S]*fccpc\.gov\.ng/,
    payTypes: [1],
    transferTitle: 'Bank transfer',
    pdf: ['Payment receipt', '₦'],
  },
};

for (const [market, x] of Object.entries(MARKETS) as Array<[keyof typeof MARKETS, Expect]>) {
  test(`${market}: sign in → apply → key facts → confirm → pay → receipt, in the market's language, currency and wording`, async (t) => {
    const server = await startMarketServer(market, { KYC_AUTO_APPROVE: 'true' });
    t.teardown(() => server.close());
    t.is(server.config.currency, { mx: 'MXN', in: 'INR', ng: 'NGN' }[market]);
    // The market's demo borrower: identity and account valid for the market, verified.
    t.true(await seedDemoAccounts(server.db, server.clock, server.config));
    const demo = DEMO_BY_MARKET[market];

    const app = new Client(server.url);
    const signIn = await app.postApp('/Index/ajaxSignIn', { username: demo.phone, password: '123456' });
    t.is(signIn.json().status, 200, signIn.text);
    t.deepEqual((await app.getJson('/Index/languages')).json().languages, x.languages);

    // The home page in the market's default language, money in its currency and number style.
    const home = await app.get('/Repay/index.shtml');
    t.is(home.status, 200);
    t.is(home.headers.get('content-language'), x.lang);
    t.true(home.text.includes(x.quota), `${x.quota} on the home page`);

    t.is((await app.postApp('/Loan/reLoan', { money: '3000', time: '10' })).json().status, 200);
    const kfs = await app.get('/Loan/confirm');
    t.is(kfs.status, 200);
    t.true(kfs.text.includes(x.kfsTitle), x.kfsTitle);
    const confirmed = await app.postApp('/Index/ajaxApply', { kfs_ack: '1' });
    t.is(confirmed.json().status, 200, confirmed.text);
    const loan = (await app.getJson('/Repay/loans')).json().data;
    t.is(loan.status, 0);

    // Paying: only the market's methods are offered; another is refused cleanly.
    const url = (await app.postApp('/Repay/payData', { oid: loan.oid })).json().data as string;
    const path = new URL(url).pathname;
    const choose = await app.get(path);
    t.is(choose.status, 200);
    for (const p of [1, 2]) t.is(choose.text.includes(`?paytype=${p}"`), x.payTypes.includes(p), `paytype ${p} offered`);
    if (!x.payTypes.includes(2)) {
      const refused = await reference(url, 2);
      t.is(refused.json().status, 422, refused.text);
    }
    const ref = (await reference(url, 1)).json().data;
    const page = await app.get(`${path}?paytype=1`);
    t.true(page.text.includes(x.transferTitle), x.transferTitle);
    if (market === 'in') {
      // UPI and a Razorpay-shaped order (paise, INR) beside the virtual account.
      t.regex(ref.reference, /^2223330\d{9}$/);
      t.like(ref.order, { entity: 'order', currency: 'INR', receipt: ref.reference, status: 'created', amount: Math.round(Number(ref.money) * 100) });
      t.regex(ref.order.id, /^order_[A-Za-z0-9]{14}$/);
      t.true(page.text.includes(`cuota.${ref.reference}@icici`));
      t.true(page.text.includes('ICIC0000104'));
      t.true(page.text.includes('UTR'));
    }
    if (market === 'ng') {
      t.regex(ref.reference, /^\d{10}$/);
      t.true(page.text.includes('Wema Bank'));
    }
    if (market === 'mx') t.regex(ref.reference, /^646180\d{12}$/);
    t.is((await notify(server, { reference: ref.reference, amount: ref.money })).status, 200);
    t.is((await app.getJson('/Repay/loans')).json().data.status, 2);

    // The receipt, as a page and a PDF, with the market's currency.
    const settlement = await server.db('settlements').where({ reference: ref.reference }).first();
    const receipt = await app.get(`/Repay/receipt?id=${settlement.id}`);
    t.is(receipt.status, 200);
    const pdf = await app.get(`/Repay/receipt/pdf?id=${settlement.id}`);
    t.is(pdf.status, 200);
    const text = await pdfText(pdf.bytes);
    for (const s of [ref.reference, ...x.pdf]) t.true(text.includes(s), `${s} in the PDF`);

    // Complaints name the market's regulator.
    t.regex((await app.get('/Complaint/index')).text, x.regulator);
  });
}

test('in: a new borrower signs up with an Indian mobile, gives a PAN (and Aadhaar) and adds an IFSC account; Hindi errors', async (t) => {
  const server = await startMarketServer('in');
  t.teardown(() => server.close());
  const phone = `9${String(process.pid % 10000).padStart(4, '0')}00001`;
  const app = new Client(server.url);
  // Not an Indian mobile: refused in Hindi (the market's default), nothing sent.
  const bad = await app.postApp('/Index/sendCode', { phone: '5512345678', purpose: 'register' });
  expectOutcome(t, bad, 422);
  t.is(bad.json().message, '6, 7, 8 या 9 से शुरू होने वाला 10 अंकों का मोबाइल नंबर दर्ज करें।');
  // "+91 …" is the same number, stored in its 10-digit form.
  expectOutcome(t, await app.postApp('/Index/sendCode', { phone: `+91 ${phone}`, purpose: 'register' }), 200);
  const { app: me, res } = await signUpByApp(server.url, phone);
  expectOutcome(t, res, 200);
  t.is((await server.db('borrowers').where({ phone }).first())?.phone, phone);

  const person = { full_name: 'Asha Verma', birth_date: '1990-05-01', id_number: 'ABCPV1234K' };
  const wrongPan = await me.postApp('/Identity/personal', { ...person, id_number: 'ABCXV1234K' }, { 'Accept-Language': 'en' });
  expectOutcome(t, wrongPan, 422);
  t.regex(wrongPan.json().message, /PAN/);
  expectOutcome(t, await me.postApp('/Identity/personal', { ...person, tax_id: '234123412345' }), 422, 'an Aadhaar failing Verhoeff');
  expectOutcome(t, await me.postApp('/Identity/personal', { ...person, tax_id: '2341 2341 2346' }), 200);

  expectOutcome(t, await me.postApp('/Bank/add', { account: '50100012345678' }), 422, 'no IFSC');
  const badIfsc = await me.postApp('/Bank/add', { account: '50100012345678', ifsc: 'HDFC1000123' });
  expectOutcome(t, badIfsc, 422);
  t.regex(badIfsc.json().message, /IFSC/);
  expectOutcome(t, await me.postApp('/Bank/add', { account: '50100012345678', ifsc: 'ZZZZ0000123' }), 422, 'a bank nobody knows');
  expectOutcome(t, await me.postApp('/Bank/add', { account: '5010', ifsc: 'HDFC0000123' }), 422, 'four digits');
  // krazyrupee's field names work too (ifscCode, bankAccount).
  const added = await me.postApp('/Bank/add', { bankAccount: '50100012345678', ifscCode: 'hdfc0000123' });
  expectOutcome(t, added, 200);
  t.like(added.json().data, { bank_code: 'HDFC', bank_name: 'HDFC BANK', last4: '5678', status: 'verified' });
  // The form asks for the IFSC beside the account number.
  const form = await me.get('/Bank/index');
  t.regex(form.text, /name="ifsc"/);
});

test('ng: BVN and a NUBAN at a chosen bank; a wrong check digit or an unknown bank is refused', async (t) => {
  const server = await startMarketServer('ng');
  t.teardown(() => server.close());
  const phone = `080${String(process.pid % 10000).padStart(4, '0')}0001`;
  const app = new Client(server.url);
  expectOutcome(t, await app.postApp('/Index/sendCode', { phone: '5512345678', purpose: 'register' }), 422);
  const { app: me, res } = await signUpByApp(server.url, phone);
  expectOutcome(t, res, 200);
  // +234 and the 10 digits sign in as the same account.
  const again = new Client(server.url);
  expectOutcome(t, await again.postApp('/Index/ajaxSignIn', { username: `+234${phone.slice(1)}`, password: 'Tulipan-azul-27' }), 200);

  const bvn = await me.postApp('/Identity/personal', { full_name: 'Chidi Okafor', birth_date: '1991-02-03', id_number: '2216728873' });
  expectOutcome(t, bvn, 422);
  t.is(bvn.json().message, 'That BVN is not valid: it has 11 digits.');
  expectOutcome(t, await me.postApp('/Identity/personal', { full_name: 'Chidi Okafor', birth_date: '1991-02-03', id_number: '22167288734' }), 200);

  expectOutcome(t, await me.postApp('/Bank/add', { account: '0123456785' }), 422, 'no bank');
  expectOutcome(t, await me.postApp('/Bank/add', { account: '0123456785', bank: '999' }), 422, 'unknown bank');
  const wrong = await me.postApp('/Bank/add', { account: '0123456784', bank: '058' });
  expectOutcome(t, wrong, 422);
  t.regex(wrong.json().message, /NUBAN/);
  // Credit Pocket's field name (bankNo).
  const added = await me.postApp('/Bank/add', { account: '0123456785', bankNo: '058' });
  expectOutcome(t, added, 200);
  t.like(added.json().data, { bank_code: '058', bank_name: 'GT Bank', last4: '6785' });
  const form = await me.get('/Bank/index');
  t.regex(form.text, /<option value="058">058 GT Bank<\/option>/);
});

test('the language switch offers only the market\'s languages; another is ignored and the default stays', async (t) => {
  const mx = await startMarketServer('mx');
  const india = await startMarketServer('in');
  t.teardown(async () => {
    await mx.close();
    await india.close();
  });
  const m = new Client(mx.url);
  const hiInMexico = await m.get('/Index/login?lang=hi');
  t.is(hiInMexico.status, 200);
  t.is(hiInMexico.headers.get('content-language'), 'en');
  t.false(hiInMexico.text.includes('hreflang="hi"'));
  t.true(hiInMexico.text.includes('hreflang="es"'));
  // Accept-Language hi in Mexico: not offered, so the default.
  t.is((await new Client(mx.url).get('/Index/login', { 'Accept-Language': 'hi-IN,hi;q=0.9' })).headers.get('content-language'), 'en');

  const i = new Client(india.url);
  const page = await i.get('/Index/login');
  t.is(page.headers.get('content-language'), 'hi');
  t.true(page.text.includes('hreflang="en"'));
  t.false(page.text.includes('hreflang="es"'));
  t.true(page.text.includes('साइन इन'));
  t.is((await i.get('/Index/login?lang=es')).headers.get('content-language'), 'hi');
  t.is((await i.get('/Index/login?lang=en')).headers.get('content-language'), 'en');
  // The choice sticks for the session.
  t.is((await i.get('/Index/login')).headers.get('content-language'), 'en');
  t.is((await new Client(india.url).get('/Index/login', { 'Accept-Language': 'es-MX,es;q=0.9,en;q=0.5' })).headers.get('content-language'), 'en');
});

test('the console finds a borrower by phone however staff type it: "+91 …" in India, "+234 …" in Nigeria, as in Mexico', async (t) => {
  const cases = [
    ['in', '9876500001', ['+91 98765 00001', '098765-00001', '9876500001']],
    ['ng', '08031230001', ['+234 803 123 0001', '234 803 123 0001', '0803 123 0001']],
    ['mx', '5512300001', ['55 1230 0001', '(55) 1230-0001']],
  ] as const;
  for (const [market, stored, spellings] of cases) {
    const server = await startMarketServer(market);
    t.teardown(() => server.close());
    await makeBorrower(server.db, { phone: stored });
    const { c: admin } = await staffClient(server, 'admin');
    for (const typed of spellings) {
      const queue = await admin.get(`/support/?q=${encodeURIComponent(typed)}&lang=en`, { Accept: 'text/html' });
      t.is(queue.status, 200);
      t.notRegex(queue.text, /No borrower or loan has that phone/, `${market}: the queue's search for "${typed}"`);
      t.regex(queue.text, /Nothing from this borrower or loan waits for review/, `${market}: "${typed}"`);
      const page = await admin.get(`/support/borrowers?phone=${encodeURIComponent(typed)}`, { Accept: 'text/html' });
      t.regex(page.text, new RegExp(`<h2>${stored} ·`), `${market}: the borrower page for "${typed}"`);
    }
    const none = await admin.get('/support/?q=%2B91%2099999%2099999&lang=en', { Accept: 'text/html' });
    t.regex(none.text, /No borrower or loan has that phone or order number/);
  }
});
