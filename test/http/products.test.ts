import test, { type ExecutionContext } from 'ava';
import { settleOnce } from '../../src/services/settlement.ts';
import { ensureDefaultProduct } from '../../src/services/products.ts';
import { Client } from '../helpers/client.ts';
import { makeBorrower } from '../helpers/factories.ts';
import { signedInApp } from '../helpers/loans.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { staffClient } from '../helpers/staff.ts';

const DAY = 86_400_000;

/** A second product, cheaper and shorter than the seeded one. */
const PREMIUM = {
  code: 'premium',
  name_en: 'Premium loan',
  name_es: 'Préstamo premium',
  min_amount: '500.00',
  max_amount: '4000.00',
  amount_step: '50.00',
  terms: '7,14',
  default_term: '14',
  loan_rate: '0.02',
  repay_rate: '0.005',
  overdue_rate: '0.01',
  overdue_cap: '0.5',
  delay_max: '1',
  eligibility: 'everyone',
};

/** The seeded product's figures as the console's form shows them, with some changed. */
function defaultForm(changes: Record<string, string>) {
  return {
    name_en: 'Cash loan',
    name_es: 'Préstamo en efectivo',
    min_amount: '1000.00',
    max_amount: '20000.00',
    amount_step: '100.00',
    terms: '7,10,15,20',
    default_term: '7',
    loan_rate: '0.043',
    repay_rate: '0.0072',
    overdue_rate: '0.02',
    overdue_cap: '1',
    delay_max: '3',
    eligibility: 'everyone',
    ...changes,
  };
}

async function withServer(t: ExecutionContext, env: Record<string, string> = {}) {
  const server = await startServer(env);
  t.teardown(() => server.close());
  return server;
}

const counts = async (server: TestServer) => ({
  products: Number((await server.db('products').count({ n: '*' }))[0]!.n),
  versions: Number((await server.db('product_versions').count({ n: '*' }))[0]!.n),
  audits: Number((await server.db('audit_log').whereLike('action', '%product%').count({ n: '*' }))[0]!.n),
});

async function createPremium(server: TestServer, fields: Record<string, string> = {}) {
  const admin = await staffClient(server, 'admin');
  const res = await admin.c.postForm('/support/products', { _csrf: admin.token, ...PREMIUM, ...fields });
  if (res.status !== 303) throw new Error(`create: ${res.status} ${res.text.slice(0, 500)}`);
  return { admin, id: Number(/\/support\/products\/(\d+)$/.exec(res.headers.get('location') ?? '')![1]) };
}

test('the environment seeds one default product, once; with it the cashgox answers carry no product list', async (t) => {
  const server = await withServer(t);
  await Promise.all([1, 2, 3].map(() => ensureDefaultProduct(server.db, server.clock, server.config)));
  const { app } = await signedInApp(server);
  const loans = (await app.getJson('/Repay/loans')).json().data;
  t.like(loans, { default_loan_time: 7, default_deadline: ['7', '10', '15', '20'], default_loan_interest: '0.043', default_repay_interest: '0.0072' });
  t.false('products' in loans);
  t.false('product_id' in loans);
  const quote = (await app.getJson('/Loan/quote?money=3000&time=10')).json().data;
  t.like(quote, { serviceFee: '1290.00', repay_interest: '216.00' });
  t.false('product_id' in quote);
  // A second start on the same database seeds nothing more.
  const again = await startServer({}, { shareDatabaseWith: server });
  t.teardown(() => again.close());
  await ensureDefaultProduct(again.db, again.clock, again.config);
  t.like(await counts(server), { products: 1, versions: 1 });
  const row = await server.db('product_versions').first();
  t.like(row, { version: 1, min_amount: 100_000, max_amount: 2_000_000, amount_step: 10_000, terms: '7,10,15,20', default_term: 7, loan_rate_ppm: 43_000, delay_max: 3, eligibility: 'everyone', created_by: null });
});

test('the seeded product follows the environment of the first start', async (t) => {
  const server = await withServer(t, { LOAN_RATE: '0.03', PRODUCT_TERMS: '5,9', PRODUCT_DEFAULT_TERM: '9', DELAY_MAX: '2' });
  const { app } = await signedInApp(server);
  t.like((await app.getJson('/Repay/loans')).json().data, { default_loan_time: 9, default_deadline: ['5', '9'], default_loan_interest: '0.03' });
  t.like(await server.db('product_versions').first(), { terms: '5,9', default_term: 9, loan_rate_ppm: 30_000, delay_max: 2 });
});

test('a loan keeps the version it was priced with: bill, overdue, extension, key facts and settlement after an edit', async (t) => {
  const server = await withServer(t);
  const { app, borrower } = await signedInApp(server);
  t.is((await app.postApp('/Loan/reLoan', { money: '3000', time: '10' })).json().status, 200);
  t.is((await app.postApp('/Index/ajaxApply', { kfs_ack: '1' })).json().status, 200);
  const loan = await server.db('loans').first();
  t.like(loan, { product_id: 1, product_version: 1, delay_max: 3, loan_rate_ppm: 43_000 });

  // The admin makes the product dearer and forbids extensions: version 2.
  const admin = await staffClient(server, 'admin');
  const edited = await admin.c.postForm('/support/products/1', {
    _csrf: admin.token,
    version: '1',
    ...defaultForm({ loan_rate: '0.045', repay_rate: '0.01', overdue_rate: '0.05', overdue_cap: '0.5', delay_max: '0' }),
  });
  t.is(edited.status, 303, edited.text.slice(0, 300));
  t.like(await server.db('products').first(), { current_version: 2 });
  t.like(await server.db('product_versions').where({ version: 1 }).first(), { loan_rate_ppm: 43_000, delay_max: 3 }, 'version 1 is never edited');

  // Two days overdue: the late fee and the extension are version 1's.
  server.clock.advance(12 * DAY);
  await app.postApp('/Index/ajaxSignIn', { username: borrower.phone, password: borrower.password });
  const detail = (await app.getJson(`/Repay/loanDetail?oid=${loan.oid}`)).json().data;
  t.like(detail, { needRepayMoney: 3336, bill: { overdue: '120.00', repay_interest: '216.00', interest: '1290.00' } });
  const delay = (await app.postApp('/Repay/loanDelay', { oid: loan.oid })).json();
  t.is(delay.status, 200, 'version 1 allows three extensions');
  t.like(delay.data, { delayFee: 1290, overdueFee: 120 });
  const facts = (await app.getJson(`/Loan/keyFacts?oid=${loan.oid}`)).json().data;
  t.like(facts, { productId: '1', productVersion: 1, fee: '1290.00', repayInterest: '216.00', overduePerDay: '60.00', overdueCap: '3000.00', extensionMax: 3, extensionFee: '1290.00' });

  // Settling the whole amount closes the bill on version 1's figures.
  const bill = await server.db('bills').first();
  await settleOnce(server.db, server.clock, server.config, {
    billId: bill.id,
    amount: 333_600,
    reference: 'P-1',
    source: 'test',
    purpose: 'repay',
    paidAt: server.clock.now().getTime(),
    key: 'test:P-1',
  });
  t.like(await server.db('bills').first(), { status: 'repaid', excess_paid: 0 });

  // A new quote is version 2's.
  const quote = (await app.getJson('/Loan/quote?money=3000&time=10')).json().data;
  t.like(quote, { serviceFee: '1350.00', repay_interest: '300.00' });
  t.like((await app.getJson('/Repay/loans')).json().data, { default_loan_interest: '0.045', default_repay_interest: '0.01' });
});

test('two products with different rates: the borrower chooses, and every figure follows the chosen one', async (t) => {
  const server = await withServer(t);
  const { id } = await createPremium(server);
  t.is(id, 2);
  const { app } = await signedInApp(server);

  const loans = (await app.getJson('/Repay/loans')).json().data;
  t.is(loans.product_id, '1', 'the first product is shown by default');
  t.deepEqual(
    loans.products.map((p: { product_id: string; product_name: string; amount_min: string; amount_max: string; interest_rate: string }) => [p.product_id, p.product_name, p.amount_min, p.amount_max, p.interest_rate]),
    [
      ['1', 'Cash loan', '1000.00', '20000.00', '0.043'],
      ['2', 'Premium loan', '500.00', '4000.00', '0.02'],
    ],
  );
  t.like((await app.getJson('/Repay/loans?product_id=2')).json().data, { product_id: '2', default_loan_time: 14, default_deadline: ['7', '14'], default_loan_interest: '0.02' });
  t.like((await app.getJson('/Loan/product?product_id=2')).json().data, { product_id: '2', terms: ['7', '14'], delay_max: 1, repay_rate: '0.005' });
  t.is((await app.getJson('/Loan/products')).json().data.products.length, 2);
  const browser = new Client(server.url);
  const someone = await makeBorrower(server.db);
  await browser.signIn(someone.phone, someone.password);
  const listPage = await browser.get('/Loan/products');
  t.is(listPage.status, 200);
  t.regex(listPage.text, /id="product-2"[\s\S]*Premium loan[\s\S]*MX\$500\.00 – MX\$4,000\.00/);
  t.regex((await browser.get('/Loan/product?product_id=2')).text, /href="\/Repay\/index\.shtml\?product_id=2"/);

  const one = (await app.getJson('/Loan/quote?money=3000&time=7&product_id=1')).json().data;
  const two = (await app.getJson('/Loan/quote?money=3000&time=7&product_id=2')).json().data;
  t.like(one, { product_id: '1', serviceFee: '903.00', repay_interest: '151.20' });
  t.like(two, { product_id: '2', serviceFee: '420.00', repay_interest: '105.00' });
  t.like((await app.getJson('/Loan/quote?product_id=2')).json().data, { money: '4000.00', time: '14' }, 'the default amount is the quota within the product maximum');
  t.like((await app.getJson('/Loan/quote?money=4500&time=14&product_id=2')).json(), { status: 422, message: "The amount is above this product's maximum." });
  t.like((await app.getJson('/Loan/quote?money=3000&time=10&product_id=2')).json(), { status: 422 }, "a term the product does not offer");

  // Apply with product 2; the key facts, the confirmation and the bill are product 2's.
  t.is((await app.postApp('/Loan/reLoan', { money: '3000', time: '14', product_id: '2' })).json().status, 200);
  const waiting = (await app.getJson('/Repay/loans')).json().data;
  t.like(waiting, { serviceFee: 840, repay_money: 3210, loan_time: '14' });
  const confirm = (await app.getJson('/Loan/confirm')).json().data;
  t.like(confirm.keyFacts, { productId: '2', productVersion: 1, productName: 'Premium loan', fee: '840.00', overduePerDay: '30.00', overdueCap: '1500.00', extensionMax: 1 });
  t.like((await app.postApp('/Index/ajaxApply', { kfs_ack: '1', product_id: '1' })).json(), { status: 422, message: 'The loan awaiting confirmation is for another product. Reload the page.' });
  t.is((await app.postApp('/Index/ajaxApply', { kfs_ack: '1', product_id: '2' })).json().status, 200);
  const loan = await server.db('loans').first();
  t.like(loan, { product_id: 2, product_version: 1, fee: 84_000, repay_interest: 21_000, overdue_rate_ppm: 10_000, overdue_cap_ppm: 500_000, delay_max: 1 });
  const bill = (await app.getJson(`/Repay/loanDetail?oid=${loan.oid}`)).json().data;
  t.like(bill, { needRepayMoney: 3210, bill: { interest: '840.00', repay_interest: '210.00' } });

  // The home page offers the choice, in both languages.
  const other = await makeBorrower(server.db);
  const page = new Client(server.url);
  await page.signIn(other.phone, other.password);
  const home = await page.get('/Repay/index.shtml?product_id=2');
  t.regex(home.text, /id="product-choice"/);
  t.regex(home.text, /<input type="hidden" name="product_id" value="2">/);
  t.regex(home.text, /Premium loan/);
  const es = await page.get('/Repay/index.shtml?lang=es');
  t.regex(es.text, /Préstamo premium/);
});

test('eligibility: first-loan and repeat products, closed and unknown products are refused with a clear error', async (t) => {
  const server = await withServer(t);
  const { admin, id: repeatId } = await createPremium(server, { code: 'repeat', eligibility: 'repeat' });
  const first = await admin.c.postForm('/support/products', { _csrf: admin.token, ...PREMIUM, code: 'first', eligibility: 'first_loan' });
  t.is(first.status, 303);
  const closed = await admin.c.postForm('/support/products', { _csrf: admin.token, ...PREMIUM, code: 'shut', open: '0' });
  t.is(closed.status, 303);
  const { app, borrower } = await signedInApp(server);

  const offered = (await app.getJson('/Loan/products')).json().data.products.map((p: { product_id: string }) => p.product_id);
  t.deepEqual(offered, ['1', '3'], 'a new borrower: everyone and first loan only');
  t.like((await app.getJson(`/Loan/quote?product_id=${repeatId}`)).json(), { status: 422, message: 'That loan product is only for borrowers who have repaid a loan.' });
  t.like((await app.getJson('/Loan/quote?product_id=4')).json(), { status: 422, message: 'That loan product is closed to new loans.' });
  t.like((await app.getJson('/Loan/quote?product_id=99')).json(), { status: 422, message: 'That loan product does not exist.' });
  t.like((await app.getJson('/Loan/quote?product_id=abc')).json(), { status: 422, message: 'That loan product does not exist.' });
  t.like((await app.postApp('/Loan/reLoan', { money: '3000', time: '14', product_id: String(repeatId) })).json(), { status: 422 });
  t.is(Number((await server.db('loans').count({ n: '*' }))[0]!.n), 0, 'a refused application creates nothing');

  // After a repaid loan (first-loan product), the repeat product is offered and the first-loan one no longer.
  t.is((await app.postApp('/Loan/reLoan', { money: '3000', time: '14', product_id: '3' })).json().status, 200);
  t.is((await app.postApp('/Index/ajaxApply', { kfs_ack: '1' })).json().status, 200);
  const bill = await server.db('bills').first();
  await settleOnce(server.db, server.clock, server.config, { billId: bill.id, amount: 321_000, reference: 'R-1', source: 'test', purpose: 'repay', paidAt: server.clock.now().getTime(), key: 'test:R-1' });
  t.like(await server.db('loans').first(), { status: 'repaid', product_id: 3 });
  await app.postApp('/Index/ajaxSignIn', { username: borrower.phone, password: borrower.password });
  const now = (await app.getJson('/Loan/products')).json().data.products.map((p: { product_id: string }) => p.product_id);
  t.deepEqual(now, ['1', '2']);
  t.like((await app.getJson('/Loan/quote?product_id=3')).json(), { status: 422, message: 'That loan product is only for a first loan.' });
  t.like((await app.getJson(`/Loan/quote?money=3000&time=14&product_id=${repeatId}`)).json().data, { serviceFee: '840.00' });
});

test('closing the only product: the borrower is told none is open; opening it again restores the apply form', async (t) => {
  const server = await withServer(t);
  const admin = await staffClient(server, 'admin');
  t.is((await admin.c.postForm('/support/products/1/open', { _csrf: admin.token, version: '1', open: '0' })).status, 303);
  const { app, borrower } = await signedInApp(server);
  t.like((await app.postApp('/Loan/reLoan', { money: '3000', time: '10' })).json(), { status: 409, message: 'No loan product is open to you right now.' });
  const page = new Client(server.url);
  await page.signIn(borrower.phone, borrower.password);
  t.regex((await page.get('/Repay/index.shtml')).text, /id="no-product"/);
  t.is((await admin.c.postForm('/support/products/1/open', { _csrf: admin.token, version: '2', open: '1' })).status, 303);
  t.is((await app.postApp('/Loan/reLoan', { money: '3000', time: '10' })).json().status, 200);
  t.like(await server.db('loans').first(), { product_id: 1, product_version: 3 });
});

test('admins list, create, edit, close and open products; each change is a version with an audit row (who, before, after)', async (t) => {
  const server = await withServer(t);
  const { admin, id } = await createPremium(server);
  const list = await admin.c.get('/support/products');
  t.is(list.status, 200);
  t.regex(list.text, /<code>default<\/code>/);
  t.regex(list.text, /<code>premium<\/code>/);

  const edit = await admin.c.postForm(`/support/products/${id}`, { _csrf: admin.token, version: '1', ...PREMIUM, repay_rate: '0.006' });
  t.is(edit.status, 303);
  t.is((await admin.c.postForm(`/support/products/${id}/open`, { _csrf: admin.token, version: '2', open: '0' })).status, 303);
  t.is((await admin.c.postForm(`/support/products/${id}/open`, { _csrf: admin.token, version: '3', open: '1' })).status, 303);
  const versions = await server.db('product_versions').where({ product_id: id }).orderBy('version');
  t.deepEqual(versions.map((v) => [v.version, v.repay_rate_ppm, Boolean(v.open), v.created_by]), [
    [1, 5000, true, admin.staff.id],
    [2, 6000, true, admin.staff.id],
    [3, 6000, false, admin.staff.id],
    [4, 6000, true, admin.staff.id],
  ]);
  const audits = await server.db('audit_log').where({ subject: `product:${id}` }).orderBy('id');
  t.deepEqual(audits.map((a) => a.action), ['create_product', 'edit_product', 'close_product', 'open_product']);
  t.true(audits.every((a) => a.staff_id === admin.staff.id));
  t.deepEqual(JSON.parse(audits[1].detail), { version: 2, changes: { repayRatePpm: { before: 5000, after: 6000 } } });
  t.deepEqual(JSON.parse(audits[2].detail), { version: 3, changes: { open: { before: true, after: false } } });
  t.like(JSON.parse(audits[0].detail), { version: 1, before: null, after: { code: 'premium', loanRatePpm: 20_000 } });

  const show = await admin.c.get(`/support/products/${id}`);
  t.regex(show.text, /id="history"/);
  t.regex(show.text, /name="version" value="4"/);
  t.regex((await admin.c.get('/support/audit')).text, /Changed a product/);
});

test('support staff get 403 on every product page and action; visitors and borrowers go to the staff sign-in', async (t) => {
  const server = await withServer(t);
  await ensureDefaultProduct(server.db, server.clock, server.config);
  const support = await staffClient(server, 'support');
  for (const path of ['/support/products', '/support/products/new', '/support/products/1']) {
    t.is((await support.c.get(path)).status, 403, path);
  }
  for (const path of ['/support/products', '/support/products/1', '/support/products/1/open']) {
    t.is((await support.c.postForm(path, { _csrf: support.token, ...PREMIUM, version: '1', open: '0' })).status, 403, path);
  }
  const visitor = new Client(server.url);
  t.is((await visitor.get('/support/products')).status, 302);
  const borrower = await makeBorrower(server.db);
  const b = new Client(server.url);
  await b.signIn(borrower.phone, borrower.password);
  const res = await b.get('/support/products');
  t.is(res.status, 302);
  t.is(res.headers.get('location'), '/support/login');
  t.like(await counts(server), { products: 1, versions: 1, audits: 0 });
});

test('every bad input gets a localized error on its field and changes nothing', async (t) => {
  const server = await withServer(t);
  const { admin, id } = await createPremium(server);
  const before = await counts(server);
  const cases: Array<[Record<string, string>, string, RegExp]> = [
    [{ loan_rate: '0.2' }, 'loan_rate', /the fee would take the whole amount/],
    [{ default_term: '10' }, 'default_term', /default term must be one of the terms/],
    [{ min_amount: '525.00' }, 'min_amount', /multiple of the step/],
    [{ max_amount: '400.00' }, 'max_amount', /at least the minimum/],
    [{ amount_step: '0' }, 'amount_step', /amount above zero/],
    [{ terms: '7,7' }, 'terms', /each once/],
    [{ terms: '0,14' }, 'terms', /between 1 and 365/],
    [{ terms: 'seven' }, 'terms', /between 1 and 365/],
    [{ repay_rate: '1.5' }, 'repay_rate', /daily rate as a decimal/],
    [{ overdue_rate: '-0.1' }, 'overdue_rate', /daily rate as a decimal/],
    [{ overdue_cap: '0.0000001' }, 'overdue_cap', /daily rate as a decimal/],
    [{ delay_max: '101' }, 'delay_max', /from 0 to 100/],
    [{ eligibility: 'vip' }, 'eligibility', /Choose who may borrow/],
    [{ name_en: '' }, 'name_en', /at most 60 characters/],
    [{ name_es: 'x'.repeat(61) }, 'name_es', /at most 60 characters/],
    [{ min_amount: '1e3' }, 'min_amount', /amount above zero/],
  ];
  for (const [change, field, message] of cases) {
    const res = await admin.c.postForm(`/support/products/${id}`, { _csrf: admin.token, version: '1', ...PREMIUM, ...change });
    t.is(res.status, 422, `${field}: ${JSON.stringify(change)}`);
    t.regex(res.text, new RegExp(`id="e-${field}"[^>]*>[^<]*${message.source}`), field);
    const created = await admin.c.postForm('/support/products', { _csrf: admin.token, ...PREMIUM, code: 'other', ...change });
    t.is(created.status, 422, `create ${field}`);
  }
  // Creation only: a bad or taken code.
  t.regex((await admin.c.postForm('/support/products', { _csrf: admin.token, ...PREMIUM, code: 'Bad Code' })).text, /id="e-code"[^>]*>[^<]*lowercase letters/);
  const taken = await admin.c.postForm('/support/products', { _csrf: admin.token, ...PREMIUM });
  t.is(taken.status, 422);
  t.regex(taken.text, /Another product already has this code/);
  // Editing: a stale version, a missing one, nothing changed, an unknown product, no CSRF token.
  t.regex((await admin.c.postForm(`/support/products/${id}`, { _csrf: admin.token, version: '1', ...PREMIUM })).text, /Nothing changed/);
  const stale = await admin.c.postForm(`/support/products/${id}`, { _csrf: admin.token, version: '7', ...PREMIUM, repay_rate: '0.006' });
  t.is(stale.status, 409);
  t.regex(stale.text, /Someone changed this product/);
  t.is((await admin.c.postForm(`/support/products/${id}`, { _csrf: admin.token, ...PREMIUM, repay_rate: '0.006' })).status, 422);
  t.is((await admin.c.postForm('/support/products/99', { _csrf: admin.token, version: '1', ...PREMIUM, repay_rate: '0.006' })).status, 404);
  t.is((await admin.c.postForm('/support/products/abc/open', { _csrf: admin.token, version: '1', open: '0' })).status, 404);
  t.is((await admin.c.postForm(`/support/products/${id}/open`, { _csrf: admin.token, version: '1', open: 'maybe' })).status, 422);
  t.is((await admin.c.postForm(`/support/products/${id}`, { version: '1', ...PREMIUM, repay_rate: '0.006' })).status, 403);
  // In Spanish.
  const es = await admin.c.postForm(`/support/products/${id}?lang=es`, { _csrf: admin.token, version: '1', ...PREMIUM, default_term: '10' }, { 'Accept-Language': 'es' });
  t.regex(es.text, /El plazo predeterminado debe ser uno de los plazos/);
  t.deepEqual(await counts(server), before);
  t.like(await server.db('products').where({ id }).first(), { current_version: 1 });
});

test('two admins saving one product at once: one new version, the others refused, never a torn row', async (t) => {
  const server = await withServer(t);
  const { admin, id } = await createPremium(server);
  const other = await staffClient(server, 'admin');
  const saves = await Promise.all(
    Array.from({ length: 8 }, (_, i) => {
      const who = i % 2 === 0 ? admin : other;
      return who.c.postForm(`/support/products/${id}`, { _csrf: who.token, version: '1', ...PREMIUM, repay_rate: `0.01${i + 1}` });
    }),
  );
  const statuses = saves.map((r) => r.status).sort();
  t.deepEqual(statuses, [303, 409, 409, 409, 409, 409, 409, 409]);
  const versions = await server.db('product_versions').where({ product_id: id }).orderBy('version');
  t.is(versions.length, 2);
  const product = await server.db('products').where({ id }).first();
  t.is(product.current_version, 2);
  const winner = saves.findIndex((r) => r.status === 303);
  t.is(versions[1].repay_rate_ppm, 10_000 + (winner + 1) * 1000, 'the saved version is exactly one request, whole');
  t.is(versions[1].loan_rate_ppm, 20_000);
  t.is(Number((await server.db('audit_log').where({ action: 'edit_product' }).count({ n: '*' }))[0]!.n), 1);
  // Closing and editing at once: again one wins.
  const race = await Promise.all([
    admin.c.postForm(`/support/products/${id}/open`, { _csrf: admin.token, version: '2', open: '0' }),
    other.c.postForm(`/support/products/${id}`, { _csrf: other.token, version: '2', ...PREMIUM, repay_rate: '0.009' }),
  ]);
  t.deepEqual(race.map((r) => r.status).sort(), [303, 409]);
  t.is((await server.db('product_versions').where({ product_id: id })).length, 3);
});
