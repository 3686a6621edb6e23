// The lender's app, as it really is: requests exactly like the spec's raw
// examples (a cookie, a content type, no Accept, no X-Requested-With), any
// non-2xx treated as a network failure, typed parsers on every answer. The
// portal is driven through every loan state, and in each one every spec
// action is compared key by key and type by type with the spec's examples.
import test, { type ExecutionContext } from 'ava';
import { Client } from '../helpers/client.ts';
import { contractProblems, examples } from '../helpers/contract.ts';
import { makeBorrower, makeStaff } from '../helpers/factories.ts';
import { multipart, screenshotPng } from '../helpers/images.ts';
import { payInFull } from '../helpers/payments.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { decideLoanByHand } from '../../src/services/loans.ts';

const DAY = 86_400_000;
const FORM = 'application/x-www-form-urlencoded';

let server: TestServer;
test.before(async () => {
  server = await startServer({ REVIEW_MODE: 'manual', CONTACTS_ENABLED: 'true' });
});
test.after.always(() => server?.close());

type Res = Awaited<ReturnType<Client['request']>>;
/** What one action answered: its envelope code (`status`, or `code` for the payment URL). */
type Outcome = Record<string, number>;

let utrs = 0;
const nextUtr = () => `CONF${String(Date.now()).slice(-8)}${String(++utrs).padStart(4, "0")}`;

/**
 * A typed client's view of an answer: HTTP 200 with a JSON body, or a problem.
 * A success is compared with the spec's example; a refusal must be the
 * envelope with its code, a readable message and `data: ""` (or the info
 * envelope with `status` 0 or -100).
 */
function check(problems: string[], label: string, res: Res, example: unknown, info = false): number | undefined {
  if (res.status !== 200) {
    problems.push(`${label}: HTTP ${res.status}`);
    return undefined;
  }
  if (!/^application\/json/.test(res.headers.get('content-type') ?? '')) {
    problems.push(`${label}: ${res.headers.get('content-type')} is not JSON`);
    return undefined;
  }
  const body = res.json();
  const code: number = info ? body.status : (body.status ?? body.code);
  if (typeof code !== 'number') problems.push(`${label}: status is ${typeof code}`);
  const success = info ? code === 1 : code === 200;
  if (success) {
    problems.push(...contractProblems(body, example, label));
  } else if (info) {
    if (typeof body.info !== 'string' || !body.info || body.url !== '' || ![0, -100].includes(code)) problems.push(`${label}: bad info refusal ${res.text}`);
  } else if (typeof body.message !== 'string' || !body.message || (code !== 402 && body.data !== '')) {
    problems.push(`${label}: bad refusal ${res.text}`);
  }
  return code;
}

/** Every spec action that reads (or only prepares) in the borrower's current state; answers the outcome of each. */
async function everyAction(t: ExecutionContext, app: Client, state: string, ids: { oid: string; billId: string }): Promise<Outcome> {
  const problems: string[] = [];
  const out: Outcome = {};
  const post = (path: string, fields: Record<string, string>) => app.postRaw(path, fields);

  const loans = await app.appRequest('GET', '/Repay/loans');
  const visitor = state === 'visitor';
  out.loans = check(problems, 'Repay/loans', loans, examples[visitor ? 'Repay/loans (visitor)' : 'Repay/loans (borrower)'])!;
  out['loans.data.status'] = loans.json().data.status;
  out.orders = check(problems, 'Repay/orders', await post('/Repay/orders', { username: '', password: '' }), examples['Repay/orders'])!;
  out.loanDetail = check(problems, 'Repay/loanDetail', await post('/Repay/loanDetail', { oid: ids.oid }), examples['Repay/loanDetail'])!;
  out['loanDetail next=delay'] = check(
    problems,
    'Repay/loanDetail next=delay',
    await post('/Repay/loanDetail', { oid: ids.oid, next: 'delay' }),
    examples['Repay/loanDetail (next=delay)'],
  )!;
  out.loanDelay = check(problems, 'Repay/loanDelay', await post('/Repay/loanDelay', { oid: ids.oid }), examples['Repay/loanDelay'])!;
  const payData = await post('/Repay/payData', { oid: ids.oid });
  out.payData = check(problems, 'Repay/payData', payData, examples['Repay/payData'])!;
  if (out.payData === 200) {
    const url: string = payData.json().data;
    const method = await new Client('').appRequest('POST', url, { type: FORM, data: 'paytype=1' });
    out['payment URL'] = check(problems, 'payment URL paytype 1', method, examples['payment URL (paytype 1)'])!;
    out.payTransf = check(problems, 'Repay/payTransf paytype 2', await post('/Repay/payTransf', { paytype: '2', url }), examples['Repay/payTransf (paytype 2)'])!;
  }
  out.ajaxDelay = check(problems, 'Repay/ajaxDelay', await post('/Repay/ajaxDelay', { oid: ids.billId }), examples['Repay/ajaxDelay'])!;
  const upload = await app.appRequest('POST', '/Info/ajaxUpload', {
    type: 'multipart/form-data; boundary=WebAppBoundary',
    data: multipart('WebAppBoundary', [
      ['Content-Disposition: form-data; name="fileName"', 'file'],
      ['Content-Disposition: form-data; name="file"; filename="a.jpg"', await screenshotPng(`${state} ${utrs}`)],
    ]),
  });
  out.ajaxUpload = check(problems, 'Info/ajaxUpload', upload, examples['Info/ajaxUpload'], true)!;
  const image = out.ajaxUpload === 1 ? upload.json().info : 'none';
  out.repayProof = check(
    problems,
    'Repay/repayProof',
    await post('/Repay/repayProof', { oid: ids.oid, utr: nextUtr(), utr_image: `${server.url}/Public/Upload/${image}` }),
    examples['Repay/repayProof'],
    true,
  )!;
  out.contact = check(problems, 'Index/contact', await app.appRequest('GET', '/Index/contact'), examples['Index/contact'])!;
  out.languages = check(problems, 'Index/languages', await app.appRequest('GET', '/Index/languages'), examples['Index/languages'])!;
  t.deepEqual(problems, [], state);
  return out;
}

/** The ids the app would send: `billId` and the bill's `oid` from Repay/loans (zero values before a bill). */
async function ids(app: Client) {
  const data = (await app.appRequest('GET', '/Repay/loans')).json().data;
  return { oid: data.bill?.oid ?? '2026030200000000000000', billId: data.billId ?? '0' };
}

const borrowerFields = { username: '', password: '' };
async function signIn(t: ExecutionContext, app: Client, b: { phone: string; password: string }) {
  const res = await app.postRaw('/Index/ajaxSignIn', { ...borrowerFields, username: b.phone, password: b.password });
  t.deepEqual(contractProblems(res.json(), examples['Index/ajaxSignIn'], 'Index/ajaxSignIn'), []);
  t.is(res.json().status, 200);
}

// What each action answers in each state (envelope codes), the app's screens follow from these.
const NO_BILL = { loanDetail: 404, 'loanDetail next=delay': 404, loanDelay: 404, payData: 404, ajaxDelay: 404, ajaxUpload: 1, repayProof: 0 };
const OPEN_BILL = { loanDetail: 200, 'loanDetail next=delay': 200, loanDelay: 200, payData: 200, 'payment URL': 200, payTransf: 200, ajaxUpload: 1, repayProof: 1 };
const CLOSED_BILL = { loanDetail: 200, 'loanDetail next=delay': 409, loanDelay: 409, payData: 409, ajaxDelay: 409, ajaxUpload: 1, repayProof: 0 };
const ALWAYS = { loans: 200, orders: 200, contact: 200, languages: 200 };

test.serial('every spec action in every loan state answers HTTP 200 with the spec example keys and types', async (t) => {
  const app = new Client(server.url);
  const seen: Record<string, Outcome> = {};

  seen.visitor = await everyAction(t, app, 'visitor', { oid: '2026030200000000000000', billId: '1' });
  t.like(seen.visitor, { ...ALWAYS, 'loans.data.status': -100, orders: -100, loanDetail: -100, loanDelay: -100, payData: -100, ajaxDelay: -100, ajaxUpload: -100, repayProof: -100 });

  const b = await makeBorrower(server.db);
  await signIn(t, app, b);
  seen['no loan'] = await everyAction(t, app, 'no loan', await ids(app));
  t.like(seen['no loan'], { ...ALWAYS, ...NO_BILL, 'loans.data.status': 2 });

  t.deepEqual((await app.appRequest('GET', '/Loan/reLoan?money=3000&time=10')).json(), examples['Loan/reLoan']);
  seen['awaiting confirmation'] = await everyAction(t, app, 'awaiting confirmation', await ids(app));
  t.like(seen['awaiting confirmation'], { ...ALWAYS, ...NO_BILL, 'loans.data.status': 0 });
  t.like((await app.appRequest('GET', '/Repay/loans')).json().data, { confirm: 0, billId: '0', bill: { id: '0' } });

  t.deepEqual((await app.appRequest('GET', '/Index/ajaxApply?kfs_ack=1')).json(), examples['Index/ajaxApply']);
  seen['in review'] = await everyAction(t, app, 'in review', await ids(app));
  t.like(seen['in review'], { ...ALWAYS, ...NO_BILL, 'loans.data.status': 0 });
  t.like((await app.appRequest('GET', '/Repay/loans')).json().data, { confirm: 1, billId: '0' });

  const loan = await server.db('loans').where({ borrower_id: b.id }).first();
  await decideLoanByHand(server.db, server.clock, server.config, { loanId: loan.id, staffId: (await makeStaff(server.db, 'admin')).id, address: '127.0.0.1', approve: true });
  seen.unpaid = await everyAction(t, app, 'unpaid', await ids(app));
  t.like(seen.unpaid, { ...ALWAYS, ...OPEN_BILL, ajaxDelay: 402, 'loans.data.status': 0 });

  server.clock.advance(12 * DAY);
  await signIn(t, app, b);
  seen.overdue = await everyAction(t, app, 'overdue', await ids(app));
  t.like(seen.overdue, { ...ALWAYS, ...OPEN_BILL, ajaxDelay: 402, 'loans.data.status': 1 });
  t.true((await app.appRequest('GET', '/Repay/loans')).json().data.hasOverdue);

  const { billId, oid } = await ids(app);
  const extension = await app.postRaw('/Repay/ajaxDelay', { oid: billId });
  t.is(extension.json().status, 402, 'bought before it is granted (DELAY_MODE=prepaid)');
  await payInFull(server, extension.json().data);
  seen.extended = await everyAction(t, app, 'extended', { billId, oid });
  t.like(seen.extended, { ...ALWAYS, ...OPEN_BILL, 'loans.data.status': 4 });

  await payInFull(server, (await app.postRaw('/Repay/payData', { oid })).json().data);
  seen.repaid = await everyAction(t, app, 'repaid', { billId, oid });
  t.like(seen.repaid, { ...ALWAYS, ...CLOSED_BILL, 'loans.data.status': 2 });

  // A second borrower is rejected.
  const rejected = new Client(server.url);
  const r = await makeBorrower(server.db);
  await signIn(t, rejected, r);
  await rejected.appRequest('GET', '/Loan/reLoan');
  await rejected.appRequest('GET', '/Index/ajaxApply?kfs_ack=1');
  const rLoan = await server.db('loans').where({ borrower_id: r.id }).first();
  await decideLoanByHand(server.db, server.clock, server.config, { loanId: rLoan.id, staffId: (await makeStaff(server.db, 'admin')).id, address: '127.0.0.1', approve: false, code: 'over_quota' });
  seen.rejected = await everyAction(t, rejected, 'rejected', await ids(rejected));
  t.like(seen.rejected, { ...ALWAYS, ...NO_BILL, 'loans.data.status': 3 });

  // A third returns the loan within the cooling-off days.
  const returned = new Client(server.url);
  const c = await makeBorrower(server.db);
  await signIn(t, returned, c);
  await returned.appRequest('GET', '/Loan/reLoan?money=2000&time=7');
  await returned.appRequest('GET', '/Index/ajaxApply?kfs_ack=1');
  const cLoan = await server.db('loans').where({ borrower_id: c.id }).first();
  await decideLoanByHand(server.db, server.clock, server.config, { loanId: cLoan.id, staffId: (await makeStaff(server.db, 'admin')).id, address: '127.0.0.1', approve: true });
  const cIds = await ids(returned);
  await payInFull(server, (await returned.postRaw('/Repay/exit', { oid: cIds.oid })).json().data);
  seen.returned = await everyAction(t, returned, 'returned', cIds);
  t.like(seen.returned, { ...ALWAYS, ...CLOSED_BILL, 'loans.data.status': 2 });

  t.deepEqual((await app.appRequest('GET', '/Index/ajaxLogOut')).json(), examples['Index/ajaxLogOut']);
  t.is((await app.appRequest('GET', '/Repay/loans')).json().data.status, -100);
});

test.serial("the spec's raw Feedback and Contact requests work with nothing but a cookie and a content type", async (t) => {
  const app = new Client(server.url);
  const b = await makeBorrower(server.db);
  await signIn(t, app, b);
  const upload = await app.appRequest('POST', '/Info/ajaxUpload', {
    type: 'multipart/form-data; boundary=WebAppBoundary',
    data: multipart('WebAppBoundary', [
      ['Content-Disposition: form-data; name="fileName"', 'file'],
      ['Content-Disposition: form-data; name="file"; filename="a.jpg"', await screenshotPng('feedback')],
    ]),
  });
  const info: string = upload.json().info;
  const feedback = await app.postRaw('/Feedback/ajaxCreate', { comments: 'The app froze', contact: '5512345678', attachments: `${server.url}/Public/Upload/${info}` });
  t.deepEqual(feedback.json(), examples['Feedback/ajaxCreate']);
  t.is((await app.postRaw('/Contact/consent', {})).json().status, 200);
  const push = await app.postRaw('/Contact/ajaxPush', 'contacts[0][name]=zhangsan&contacts[0][phone]=5512345679&contacts[0][relate]=%E7%88%B6%E6%AF%8D');
  t.deepEqual(contractProblems(push.json(), examples['Contact/ajaxPush'], 'Contact/ajaxPush'), []);
  t.is(push.json().status, 200);
});
