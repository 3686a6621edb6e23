import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { BROWSER_ACCEPT, Client } from '../helpers/client.ts';
import { examples } from '../helpers/contract.ts';
import { makeStaff } from '../helpers/factories.ts';
import { staffClient as staffAs } from '../helpers/staff.ts';
import { multipart, screenshotPng } from '../helpers/images.ts';
import { borrow, signedInApp } from '../helpers/loans.ts';
import { payInFull, reference } from '../helpers/payments.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;
let uploadDir: string;
test.before(async () => {
  uploadDir = fs.mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'cuota-proofs-'));
  server = await startServer({ UPLOAD_DIR: uploadDir });
});
test.after.always(async () => {
  await server?.close();
  fs.rmSync(uploadDir, { recursive: true, force: true });
});

let utrSeq = 100_000_000_000;
const nextUtr = () => String(++utrSeq + Math.floor(Math.random() * 1000) * 7);

async function upload(app: Client, png: Buffer): Promise<string> {
  const res = await app.request('POST', '/Info/ajaxUpload', {
    body: multipart('B', [
      ['Content-Disposition: form-data; name="fileName"', 'file'],
      ['Content-Disposition: form-data; name="file"; filename="s.png"', png],
    ]),
    headers: { 'Content-Type': 'multipart/form-data; boundary=B', 'X-Requested-With': 'XMLHttpRequest', Accept: 'application/json' },
  });
  return res.json().info;
}

/** A borrower with a disbursed 3000/10 loan who sends a proof (UTR + screenshot). */
async function borrowerWithProof(t: Parameters<typeof borrow>[0], png?: Buffer, utr = nextUtr()) {
  const { app, borrower } = await signedInApp(server);
  const loan = await borrow(t, app, '3000', '10');
  const image = await upload(app, png ?? (await screenshotPng(`UTR ${utr}`)));
  const res = await app.postApp('/Repay/repayProof', { oid: loan.oid, utr, utr_image: image });
  return { app, borrower, loan, image, utr, res };
}

const staffClient = (role: 'support' | 'admin' = 'support') => staffAs(server, role);

const proofIdOf = async (borrowerId: number) => (await server.db('proofs').where({ borrower_id: borrowerId }).orderBy('id', 'desc').first()).id;

test.serial('a proof goes to the top of the queue; approval settles it and the loan shows repaid', async (t) => {
  const { app, borrower, loan, res, utr } = await borrowerWithProof(t);
  t.deepEqual(res.json(), examples['Repay/repayProof']);
  const { c, token, staff } = await staffClient();
  const queue = await c.get('/support/');
  t.regex(queue.text, /1 proof waiting|\d+ proofs waiting/);
  t.regex(queue.text, new RegExp(utr));
  const id = await proofIdOf(borrower.id);
  const page = await c.get(`/support/proofs/${id}`);
  t.regex(page.text, new RegExp(borrower.phone));
  t.regex(page.text, /MX\$3,216\.00/);
  t.regex(page.text, /<img src="\/Public\/Upload\/\d{8}\/[0-9a-f]{32}\.thumb\.jpg"/);
  t.regex(page.text, /name="amount" type="number" step="0.01" min="0.01" value="3216.00"/, 'prefilled with what is due');
  const approved = await c.postForm(`/support/proofs/${id}`, { _csrf: token, decision: 'approve', amount: '3216.00', purpose: 'repay' });
  t.is(approved.status, 303);
  t.like((await app.getJson('/Repay/loans')).json().data, { status: 2, loan_status: 'repaid' });
  const detail = await app.get(`/Repay/loanDetail?oid=${loan.oid}`, { Accept: 'text/html' });
  t.regex(detail.text, /class="badge proof-approved">Approved/);
  const auditRow = await server.db('audit_log').where({ subject: `proof:${id}` }).first();
  t.like(auditRow, { staff_id: staff.id, action: 'approve_proof', address: '127.0.0.1' });
  const settlement = await server.db('settlements').where({ reference: `proof:${id}` }).first();
  t.like(settlement, { amount: 321_600, source: 'proof' });
});

test.serial('rejection shows the reason to the borrower, who may send a new proof', async (t) => {
  const { app, borrower, loan, utr } = await borrowerWithProof(t);
  const { c, token } = await staffClient();
  const id = await proofIdOf(borrower.id);
  const noNote = await c.postForm(`/support/proofs/${id}`, { _csrf: token, decision: 'reject', reason: 'other' });
  t.is(noNote.status, 303);
  t.is((await server.db('proofs').where({ id }).first()).status, 'pending', '"other" needs a note');
  await c.postForm(`/support/proofs/${id}`, { _csrf: token, decision: 'reject', reason: 'unreadable' });
  const page = await app.get(`/Repay/loanDetail?oid=${loan.oid}&lang=es`, { Accept: 'text/html' });
  t.regex(page.text, /Rechazado/);
  t.regex(page.text, /No pudimos leer la captura\./);
  const again = await app.postApp('/Repay/repayProof', { oid: loan.oid, utr });
  t.is(again.json().status, 1, 'the same UTR may come back after a rejection');
});

test.serial("another borrower's UTR goes to staff flagged (no probing, no squatting); a foreign image and a repaid bill are refused", async (t) => {
  const first = await borrowerWithProof(t);
  const { app, loan, borrower } = await signedInApp(server).then(async (s) => ({ ...s, loan: await borrow(t, s.app, '2000', '7') }));
  const reused = await app.postApp('/Repay/repayProof', { oid: loan.oid, utr: first.utr });
  t.deepEqual(reused.json(), examples['Repay/repayProof'], 'answered like any proof: nothing learnt about the UTR');
  const firstId = await proofIdOf(first.borrower.id);
  const reusedId = await proofIdOf(borrower.id);
  t.deepEqual(JSON.parse((await server.db('proofs').where({ id: reusedId }).first()).flags), [{ kind: 'same_utr', proofId: firstId }]);
  const { c: staffPage } = await staffClient();
  t.regex((await staffPage.get(`/support/proofs/${reusedId}`)).text, new RegExp(`same UTR in proof <a href="/support/proofs/${firstId}">#${firstId}</a>`));
  // The owner is not blocked: their own next proof with another UTR goes in, and their first stays live.
  t.is((await server.db('proofs').where({ id: firstId }).first()).status, 'pending');
  // The same borrower sending their own UTR again is refused clearly.
  const again = await first.app.postApp('/Repay/repayProof', { oid: first.loan.oid, utr: first.utr });
  t.is(again.status, 200);
  t.deepEqual(again.json(), { info: 'You already sent a proof with this UTR. Wait for its review, or send a different UTR.', status: 0, url: '' });
  const foreign = await app.postApp('/Repay/repayProof', { oid: loan.oid, utr_image: first.image });
  t.is(foreign.json().status, 0);
  t.is(foreign.json().info, 'That image was not uploaded from your account.');
  t.is((await app.postApp('/Repay/repayProof', { oid: loan.oid })).json().info, 'Give the UTR or at least one screenshot.');
  t.is((await app.postApp('/Repay/repayProof', { oid: loan.oid, utr: 'abc' })).json().status, 0);
  t.is((await app.postApp('/Repay/repayProof', { oid: first.loan.oid, utr: nextUtr() })).json().info, 'We could not find that page.', "another borrower's oid");

  const { c, token } = await staffClient();
  const id = await proofIdOf(first.borrower.id);
  await c.postForm(`/support/proofs/${id}`, { _csrf: token, decision: 'approve', amount: '3216.00', purpose: 'repay' });
  // One transfer settles once: the flagged copy of the same UTR cannot be approved as well.
  await c.postForm(`/support/proofs/${reusedId}`, { _csrf: token, decision: 'approve', amount: '100.00', purpose: 'repay' });
  t.is((await server.db('proofs').where({ id: reusedId }).first()).status, 'pending');
  t.is(await server.db('settlements').where({ reference: `proof:${reusedId}` }).first(), undefined);
  const repaid = await first.app.postApp('/Repay/repayProof', { oid: first.loan.oid, utr: nextUtr() });
  t.is(repaid.status, 200);
  t.is(repaid.json().status, 0);
});

test.serial('a repeated screenshot and an odd UTR are flagged to staff, naming the other proof', async (t) => {
  const shot = await screenshotPng('the same screenshot');
  const first = await borrowerWithProof(t, shot);
  const second = await borrowerWithProof(t, shot, '111111111111');
  t.is(second.res.json().status, 1);
  const { c } = await staffClient();
  const firstId = await proofIdOf(first.borrower.id);
  const secondId = await proofIdOf(second.borrower.id);
  const page = await c.get(`/support/proofs/${secondId}`);
  t.regex(page.text, new RegExp(`same file as in proof <a href="/support/proofs/${firstId}">#${firstId}</a>`));
  t.regex(page.text, /unusual shape/);
  t.regex((await c.get('/support/')).text, /class="badge s1">Check/);
});

test.serial('the plain proof form (no JavaScript) sends the screenshot itself', async (t) => {
  const { app, borrower } = await signedInApp(server);
  const loan = await borrow(t, app, '3000', '10');
  const browser = new Client(server.url);
  for (const [k, v] of app.cookies) browser.cookies.set(k, v);
  const detail = await browser.get(`/Repay/loanDetail?oid=${loan.oid}`);
  const token = /name="_csrf" value="([^"]+)"/.exec(detail.text)![1]!;
  const body = multipart('F', [
    ['Content-Disposition: form-data; name="_csrf"', token],
    ['Content-Disposition: form-data; name="oid"', loan.oid],
    ['Content-Disposition: form-data; name="utr"', nextUtr()],
    ['Content-Disposition: form-data; name="utr_image"; filename="shot.png"\r\nContent-Type: image/png', await screenshotPng('form')],
    ['Content-Disposition: form-data; name="repay_image"; filename=""\r\nContent-Type: application/octet-stream', Buffer.alloc(0)],
  ]);
  const res = await browser.request('POST', '/Repay/repayProof', { body, headers: { 'Content-Type': 'multipart/form-data; boundary=F', Accept: BROWSER_ACCEPT } });
  t.is(res.status, 303);
  const page = await browser.get(res.headers.get('location')!);
  t.regex(page.text, /We received your proof/);
  t.regex(page.text, /class="badge proof-pending">In review/);
  const proof = await server.db('proofs').where({ borrower_id: borrower.id }).first();
  t.regex(proof.utr_image, /^\d{8}\/[0-9a-f]{32}\.jpg$/);
  const forged = multipart('F', [['Content-Disposition: form-data; name="oid"', loan.oid], ['Content-Disposition: form-data; name="utr"', nextUtr()]]);
  t.is((await browser.request('POST', '/Repay/repayProof', { body: forged, headers: { 'Content-Type': 'multipart/form-data; boundary=F', Accept: BROWSER_ACCEPT } })).status, 403, 'a page form without its token');
});

test.serial('a refused proof (a tracking key already sent) comes back as an error banner, never a success note', async (t) => {
  const { app } = await signedInApp(server);
  const loan = await borrow(t, app, '3000', '10');
  const browser = new Client(server.url);
  for (const [k, v] of app.cookies) browser.cookies.set(k, v);
  const utr = nextUtr();
  const send = async () => {
    const detail = await browser.get(`/Repay/loanDetail?oid=${loan.oid}&lang=es`);
    const token = /name="_csrf" value="([^"]+)"/.exec(detail.text)![1]!;
    const body = multipart('F', [
      ['Content-Disposition: form-data; name="_csrf"', token],
      ['Content-Disposition: form-data; name="oid"', loan.oid],
      ['Content-Disposition: form-data; name="utr"', utr],
    ]);
    const res = await browser.request('POST', '/Repay/repayProof', { body, headers: { 'Content-Type': 'multipart/form-data; boundary=F', Accept: BROWSER_ACCEPT } });
    t.is(res.status, 303);
    return browser.get(res.headers.get('location')!);
  };
  const first = await send();
  t.regex(first.text, /<p class="flash" role="status">/);
  const again = await send();
  t.regex(again.text, /<p class="alert" role="alert">[^<]+<\/p>/, 'an error banner');
  t.notRegex(again.text, /<p class="flash" role="status">/, 'no green note');
  t.is((await server.db('proofs').where({ utr })).length, 1, 'nothing changed');
});

test.serial('the console: borrowers cannot enter, support cannot use admin pages, every form needs its token', async (t) => {
  const { app } = await signedInApp(server);
  const asBorrower = await app.get('/support/', { Accept: 'text/html' });
  t.is(asBorrower.status, 302);
  t.is(asBorrower.headers.get('location'), '/support/login');
  const { c, token } = await staffClient('support');
  for (const page of ['/support/loans', '/support/borrowers', '/support/audit']) t.is((await c.get(page)).status, 403, page);
  t.is((await c.postForm('/support/loans/1', { _csrf: token, decision: 'approve' })).status, 403);
  const { borrower } = await borrowerWithProof(t);
  const id = await proofIdOf(borrower.id);
  t.is((await c.postForm(`/support/proofs/${id}`, { decision: 'approve', amount: '1.00', purpose: 'repay' })).status, 403, 'no token');
  t.is((await c.postForm(`/support/proofs/${id}`, { _csrf: 'forged', decision: 'approve', amount: '1.00', purpose: 'repay' })).status, 403);
  t.is((await c.request('POST', `/support/proofs/${id}`, {
    body: 'decision=approve&amount=1.00&purpose=repay',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Requested-With': 'XMLHttpRequest' },
  })).status, 403, 'the app header does not open the console');
  t.is((await c.postForm('/support/logout', {})).status, 403);
  t.is((await server.db('proofs').where({ id }).first()).status, 'pending');
  const wrong = new Client(server.url);
  const t2 = await wrong.csrf('/support/login');
  const bad = await wrong.postForm('/support/login', { _csrf: t2, email: 'nobody@cuota.test', password: 'whatever' });
  t.is(bad.status, 401);
  t.regex(bad.text, /Incorrect phone number or password|incorrect/i);
});

test.serial('two staff approving the same proof at once settle it once', async (t) => {
  const { app, borrower } = await borrowerWithProof(t);
  const a = await staffClient();
  const b = await staffClient();
  const id = await proofIdOf(borrower.id);
  const answers = await Promise.all(
    [a, b, a, b].map((s) => s.c.postForm(`/support/proofs/${id}`, { _csrf: s.token, decision: 'approve', amount: '3216.00', purpose: 'repay' })),
  );
  t.true(answers.every((r) => r.status === 303));
  t.is((await server.db('settlements').where({ reference: `proof:${id}` })).length, 1);
  t.is((await server.db('audit_log').where({ subject: `proof:${id}` })).length, 1);
  t.is((await app.getJson('/Repay/loans')).json().data.status, 2);
});

test.serial('admins review loans, look up borrowers and read the audit log', async (t) => {
  const manual = await startServer({ REVIEW_MODE: 'manual', UPLOAD_DIR: uploadDir });
  t.teardown(() => manual.close());
  const { app, borrower } = await signedInApp(manual);
  await app.postApp('/Loan/reLoan', { money: '2000' });
  await app.postApp('/Index/ajaxApply', { kfs_ack: '1' });
  const admin = await makeStaff(manual.db, 'admin');
  const c = new Client(manual.url);
  const t1 = await c.csrf('/support/login');
  await c.postForm('/support/login', { _csrf: t1, email: admin.email, password: admin.password });
  const token = await c.csrf('/support/');
  const list = await c.get('/support/loans');
  t.regex(list.text, new RegExp(borrower.phone));
  const loan = await manual.db('loans').where({ borrower_id: borrower.id }).first();
  t.is((await c.postForm(`/support/loans/${loan.id}`, { _csrf: token, decision: 'approve' })).status, 303);
  t.like((await app.getJson('/Repay/loans')).json().data, { loan_status: 'disbursed' });
  const lookup = await c.get(`/support/borrowers?phone=${borrower.phone}`);
  t.regex(lookup.text, new RegExp(loan.oid));
  t.regex((await c.get('/support/borrowers?phone=5500000000')).text, /No borrower with that phone/);
  const auditPage = await c.get('/support/audit');
  // Actions in words, never the raw codes; the details column is labelled.
  for (const action of ['Signed in', 'Approved a loan', 'Looked up a borrower']) t.regex(auditPage.text, new RegExp(`<td>${action}</td>`));
  t.notRegex(auditPage.text, /sign_in|approve_loan|view_borrower|<th><\/th>|\{\}/);
  t.regex(auditPage.text, /<th>Details<\/th>/);
  // Staff pages speak of the borrower, not to them.
  t.notRegex(list.text, /Your credit limit|For how long\?/);
  t.regex(list.text, /<th>Credit limit<\/th><th>Term<\/th>/);
  t.notRegex(lookup.text, /Your credit limit/);
  t.regex(auditPage.text, new RegExp(admin.email));
  t.regex(auditPage.text, /127\.0\.0\.1/);
});

test.serial('after full repayment an unused reference and a proof in review read as no longer needed; staff see the proof as moot', async (t) => {
  const { app, borrower, loan } = await borrowerWithProof(t);
  const payUrl: string = (await app.postApp('/Repay/payData', { oid: loan.oid })).json().data;
  const unused = (await reference(payUrl, 2)).json().data.reference as string;
  await payInFull(server, payUrl);
  t.like((await app.getJson('/Repay/loans')).json().data, { status: 2, loan_status: 'repaid' });

  const detail = await app.get(`/Repay/loanDetail?oid=${loan.oid}`, { Accept: 'text/html' });
  t.notRegex(detail.text, /Waiting for payment|class="badge proof-pending"|>In review</);
  t.regex(detail.text, new RegExp(`<code>${unused}</code>[^<]*<span class="badge ref-not_needed">No longer needed</span>`));
  t.regex(detail.text, /class="badge proof-not_needed">No longer needed<\/span>/);
  t.regex(detail.text, /Your loan is repaid, so this proof needs no review\./);

  const { c, token } = await staffClient();
  const id = await proofIdOf(borrower.id);
  const queue = await c.get('/support');
  t.regex(queue.text, new RegExp(`href="/support/proofs/${id}"[\\s\\S]*?<span class="badge">Loan already repaid — nothing to approve</span>`), 'marked in the queue');
  const page = await c.get(`/support/proofs/${id}`);
  t.regex(page.text, /class="badge">Loan already repaid — nothing to approve<\/span>/);
  t.regex(page.text, /This loan is already repaid and nothing is left to pay: reject this proof as a duplicate\./);
  t.regex(page.text, /name="amount" type="number" step="0.01" min="0.01" value="" required/, 'no invitation to approve 0.00');
  t.regex(page.text, /<option value="duplicate" selected>/, 'rejecting as a duplicate is the suggested way off the queue');
  // Rejecting is the primary action; approving (a separate transfer, booked as excess) is folded away below it.
  t.regex(page.text, /value="reject">[\s\S]*?<button type="submit" class="primary">Reject<\/button>[\s\S]*?<details class="card approve-anyway"><summary>Approve anyway[^<]*<\/summary>[\s\S]*?value="approve"/);
  t.notRegex(page.text, /<button type="submit" class="primary">Approve/);
  // The service still refuses approving nothing.
  await c.postForm(`/support/proofs/${id}`, { _csrf: token, decision: 'approve', amount: '0.00', purpose: 'repay' });
  t.is((await server.db('proofs').where({ id }).first()).status, 'pending');
  t.is(await server.db('settlements').where({ reference: `proof:${id}` }).first(), undefined);
});
