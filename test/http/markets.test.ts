// One portal, three markets: the main journey once per market, over HTTP, with each market's
// currency, identity numbers, accounts, payment methods, regulator and languages.
import test from 'ava';
import { PDFParse } from 'pdf-parse';
import { seedDemoAccounts, DEMO_BY_MARKET } from '../../src/services/seed.ts';
import { Client } from '../helpers/client.ts';
import { notify, reference } from '../helpers/payments.ts';
import { startMarketServer } from '../helpers/server.ts';

async function pdfText(bytes: Buffer): Promise<string> {
  const parser = new PDFParse({ data: new Uint8Array(bytes) });
  try {
    return (await parser.getText()).text;
  } finally {
    await parser.destroy();
  }
}

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
