// The answers the lender's existing app relies on: the newest proof on
// loanDetail, clear refusals for extensions that cannot be bought, full upload
// URLs as image references, PNG logos, and DELAY_MODE=on_bill.
import test from 'ava';
import sharp from 'sharp';
import { Client } from '../helpers/client.ts';
import { contractProblems, examples } from '../helpers/contract.ts';
import { multipart, screenshotPng } from '../helpers/images.ts';
import { borrow, signedInApp } from '../helpers/loans.ts';
import { payInFull, reference } from '../helpers/payments.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

const DAY = 86_400_000;
let server: TestServer;
let onBill: TestServer;
test.before(async () => {
  server = await startServer();
  onBill = await startServer({ DELAY_MODE: 'on_bill' });
});
test.after.always(async () => {
  await server?.close();
  await onBill?.close();
});

let utrSeq = 300_000_000_000;
const nextUtr = () => String(++utrSeq + Math.floor(Math.random() * 1000) * 7);

async function upload(app: Client, seed: string): Promise<string> {
  const res = await app.appRequest('POST', '/Info/ajaxUpload', {
    type: 'multipart/form-data; boundary=B',
    data: multipart('B', [
      ['Content-Disposition: form-data; name="fileName"', 'file'],
      ['Content-Disposition: form-data; name="file"; filename="a.png"', await screenshotPng(seed)],
    ]),
  });
  return res.json().info;
}

test.serial("loanDetail shows the newest proof's UTR and images, given as info paths or as this portal's full upload URLs", async (t) => {
  const { app } = await signedInApp(server);
  const loan = await borrow(t, app, '2000', '7');
  const before = (await app.postRaw('/Repay/loanDetail', { oid: loan.oid })).json().data.bill;
  t.like(before, { utr: null, utr_image: null, repay_image: null });

  const first = await upload(app, 'first proof');
  const utr1 = nextUtr();
  t.deepEqual((await app.postRaw('/Repay/repayProof', { oid: loan.oid, utr: utr1, utr_image: first })).json(), examples['Repay/repayProof']);
  t.like((await app.postRaw('/Repay/loanDetail', { oid: loan.oid })).json().data.bill, { utr: utr1, utr_image: first, repay_image: null });

  const shot = await upload(app, 'second proof');
  const receipt = await upload(app, 'second receipt');
  const utr2 = nextUtr();
  const proof = await app.postRaw('/Repay/repayProof', {
    oid: loan.oid,
    utr: utr2,
    utr_image: `${server.url}/Public/Upload/${shot}`,
    repay_image: `${server.url}/Public/Upload/${receipt}`,
  });
  t.deepEqual(proof.json(), examples['Repay/repayProof'], 'the full URL the spec tells the app to build');
  const detail = (await app.postRaw('/Repay/loanDetail', { oid: loan.oid })).json();
  t.like(detail.data.bill, { utr: utr2, utr_image: shot, repay_image: receipt }, 'the newest proof');
  t.deepEqual(contractProblems(detail, examples['Repay/loanDetail'], 'body'), []);
});

test.serial("a full upload URL is still only the borrower's own, and only this portal's", async (t) => {
  const owner = await signedInApp(server);
  const theirs = await upload(owner.app, 'not yours');
  const { app } = await signedInApp(server);
  const loan = await borrow(t, app, '2000', '7');
  const mine = await upload(app, 'mine');
  for (const ref of [`${server.url}/Public/Upload/${theirs}`, `https://elsewhere.example/Public/Upload/${mine}`, `${server.url}/Public/Upload/${mine}?x=1`]) {
    const res = await app.postRaw('/Repay/repayProof', { oid: loan.oid, utr_image: ref });
    t.deepEqual(res.json(), { info: 'That image was not uploaded from your account.', status: 0, url: '' }, ref);
  }
  const feedback = await app.postRaw('/Feedback/ajaxCreate', { comments: 'see', contact: '5512345678', attachments: `${server.url}/Public/Upload/${theirs}` });
  t.is(feedback.json().status, 422);
  const ok = await app.postRaw('/Feedback/ajaxCreate', { comments: 'see', contact: '5512345678', attachments: `${server.url}/Public/Upload/${mine}` });
  t.deepEqual(ok.json(), examples['Feedback/ajaxCreate']);
  t.is((await server.db('proofs').where({ borrower_id: owner.borrower.id })).length, 0);
});

test.serial('loanDelay and loanDetail next=delay refuse in the envelope when it is too late; the page explains', async (t) => {
  const { app, borrower } = await signedInApp(server);
  const loan = await borrow(t, app, '3000', '10');
  server.clock.advance(25 * DAY);
  await app.postRaw('/Index/ajaxSignIn', { username: borrower.phone, password: borrower.password });
  const asks: Array<Record<string, string>> = [{ oid: loan.oid }, { oid: loan.oid, next: 'delay' }];
  for (const fields of asks) {
    const path = 'next' in fields ? '/Repay/loanDetail' : '/Repay/loanDelay';
    const res = await app.postRaw(path, fields);
    t.is(res.status, 200);
    t.deepEqual(res.json(), { status: 409, message: 'It is too late to extend: the new due day would already have passed.', data: '' }, path);
  }
  t.is((await app.postRaw('/Repay/loanDetail', { oid: loan.oid })).json().status, 200, 'the bill itself is still shown');
  const page = await app.get(`/Repay/loanDelay?oid=${loan.oid}`);
  t.is(page.status, 200);
  t.regex(page.text, /It is too late to extend/);
});

test.serial('ajaxDelay on a repaid bill refuses, even after an extension was bought', async (t) => {
  const { app, borrower } = await signedInApp(server);
  const loan = await borrow(t, app, '2000', '7');
  const bought = await app.postRaw('/Repay/ajaxDelay', { oid: loan.billId });
  t.is(bought.json().status, 402);
  await payInFull(server, bought.json().data);
  await payInFull(server, (await app.postRaw('/Repay/payData', { oid: loan.oid })).json().data);
  await app.postRaw('/Index/ajaxSignIn', { username: borrower.phone, password: borrower.password });
  const res = await app.postRaw('/Repay/ajaxDelay', { oid: loan.billId });
  t.deepEqual(res.json(), { status: 409, message: 'This loan is already repaid, so it cannot be extended.', data: '' });
});

test.serial('payment method logos are PNGs with origin_img beside the barcode', async (t) => {
  const { app } = await signedInApp(server);
  const loan = await borrow(t, app, '2000', '7');
  const url = (await app.postRaw('/Repay/payData', { oid: loan.oid })).json().data;
  for (const paytype of [1, 2] as const) {
    const data = (await reference(url, paytype)).json().data;
    t.regex(data.image, /\.png$/);
    t.is(data.origin_img, data.path);
    const logo = await fetch(data.image);
    t.is(logo.headers.get('content-type'), 'image/png');
    const meta = await sharp(Buffer.from(await logo.arrayBuffer())).metadata();
    t.is(meta.format, 'png');
    const barcode = await fetch(data.origin_img);
    t.is(barcode.headers.get('content-type'), 'image/png');
  }
});

test.serial('DELAY_MODE=on_bill: ajaxDelay moves the due day at once and adds the price to delay_unpaid', async (t) => {
  const { app, borrower } = await signedInApp(onBill);
  const loan = await borrow(t, app, '3000', '10');
  const keyFacts = await app.get(`/Loan/keyFacts?oid=${loan.oid}`);
  t.regex(keyFacts.text, /the due day moves 10 days later at once and MX\$1,290\.00 \(plus any late fee so far\) is added to what you owe/);

  onBill.clock.advance(12 * DAY); // 2 days late: late fee 120.00
  await app.postRaw('/Index/ajaxSignIn', { username: borrower.phone, password: borrower.password });
  const quote = (await app.postRaw('/Repay/loanDelay', { oid: loan.oid })).json().data;
  t.like(quote, { delayFee: 1290, overdueFee: 120, needRepayMoney: 1410 });

  const taps = await Promise.all([1, 2, 3].map(() => app.postRaw('/Repay/ajaxDelay', { oid: loan.billId })));
  for (const tap of taps) t.deepEqual(tap.json(), examples['Repay/ajaxDelay']);
  const detail = (await app.postRaw('/Repay/loanDetail', { oid: loan.oid })).json().data;
  t.like(detail, { needRepaymentDay: quote.nextRepayDay, needRepayMoney: 3000 + 216 + 1410 }, 'the debt grows by the price, never shrinks');
  t.like(detail.bill, { delay: '1', delay_num: '1', delay_day: '10', delay_unpaid: '1410.00', overdue: '0.00', status: '4' }, 'three taps, one extension');
  t.like((await app.appRequest('GET', '/Repay/loans')).json().data, { status: 4, hasOverdue: false, repay_money: 3000 + 216 + 1410 });

  const page = await app.get(`/Repay/loanDetail?oid=${loan.oid}`);
  t.regex(page.text, /Extensions added to the bill<\/dt><dd>MX\$1,410\.00/);

  const paid = await payInFull(onBill, (await app.postRaw('/Repay/payData', { oid: loan.oid })).json().data);
  t.is(paid.amount, '4626.00');
  const settlement = await onBill.db('settlements').where({ reference: paid.reference }).first();
  t.like(settlement, { purpose: 'repay', delay_part: 141_000, principal_part: 300_000, interest_part: 21_600, excess: 0 });
  const receipt = (await app.appRequest('GET', `/Repay/receipt?id=${settlement.id}`)).json().data;
  t.like(receipt, { parts: { delay: '1410.00' }, left_to_pay: '0.00' });
  const receiptPage = await app.get(`/Repay/receipt?id=${settlement.id}`);
  t.regex(receiptPage.text, /Of which, for extensions added to the bill/);
  t.deepEqual((await app.postRaw('/Repay/ajaxDelay', { oid: loan.billId })).json(), {
    status: 409,
    message: 'This loan is already repaid, so it cannot be extended.',
    data: '',
  });
});

test.serial('DELAY_MODE=on_bill: the page extends on the bill; a too-late extension is refused', async (t) => {
  const { app, borrower } = await signedInApp(onBill);
  const loan = await borrow(t, app, '2000', '7');
  const page = await app.get(`/Repay/loanDelay?oid=${loan.oid}`);
  t.regex(page.text, /action="\/Repay\/ajaxDelay"/);
  t.regex(page.text, /is added to what you owe/);
  const token = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
  const form = await app.postForm('/Repay/ajaxDelay', { _csrf: token, oid: loan.billId });
  t.is(form.status, 303);
  t.like((await app.appRequest('GET', '/Repay/loans')).json().data, { status: 4, bill: { delay: '1' } });
  onBill.clock.advance(40 * DAY);
  await app.postRaw('/Index/ajaxSignIn', { username: borrower.phone, password: borrower.password });
  const late = await app.postRaw('/Repay/ajaxDelay', { oid: loan.billId });
  t.deepEqual(late.json(), { status: 409, message: 'It is too late to extend: the new due day would already have passed.', data: '' });
  t.like((await app.postRaw('/Repay/loanDetail', { oid: loan.oid })).json().data.bill, { delay_num: '1' });
});
