import test from 'ava';
import { makeDefault } from '../../src/data/repositories/bank-accounts.ts';
import { dayOf, isoDay } from '../../src/domain/calendar.ts';
import { formatPlain } from '../../src/domain/money.ts';
import { Client } from '../helpers/client.ts';
import { pdfText } from '../helpers/pdf.ts';
import { makeBorrower } from '../helpers/factories.ts';
import { signedInApp } from '../helpers/loans.ts';
import { approveLoan, clabeEnding, loanInReview, payoutCallback, payoutsOfLoan, startManualReview, useAccount } from '../helpers/payouts.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { staffClient } from '../helpers/staff.ts';

let server: TestServer;
let staffId: number;
test.before(async () => ({ server, staffId } = await startManualReview()));
test.after.always(() => server?.close());

const DAY = 86_400_000;

/** The timeline's event kinds on the loan detail page, in order. */
const timelineKinds = (html: string) => [...html.matchAll(/<li class="tl-([a-z_]+)"/g)].map((m) => m[1]);

test.serial('a disbursement receipt (page, JSON, PDF) once the money arrived: masked account, bank, reference, when requested and arrived; only for its owner', async (t) => {
  const { app, borrower, loan } = await loanInReview(server, '2222');
  const clabe = (await server.db('bank_accounts').where({ borrower_id: borrower.id, is_default: true }).first()).last4 as string;
  server.clock.advance(60_000);
  await approveLoan(server, loan.id, staffId);
  // On its way: there is no receipt yet.
  t.is((await app.getJson(`/Repay/disbursement?oid=${loan.oid}`)).json().status, 404);
  const requestedAt = server.clock.now().getTime();
  server.clock.advance(DAY + 3_600_000);
  const [p] = await payoutsOfLoan(server, loan.id);
  t.is((await payoutCallback(server, { idempotency_key: p.idempotency_key, status: 'paid' })).json().outcome, 'paid');
  const arrivedAt = server.clock.now().getTime();
  const paid = (await payoutsOfLoan(server, loan.id))[0];
  t.is((await app.postApp('/Index/ajaxSignIn', { username: borrower.phone, password: borrower.password })).json().status, 200);

  const json = (await app.getJson(`/Repay/disbursement?oid=${loan.oid}`)).json();
  t.is(json.status, 200);
  t.like(json.data, {
    oid: loan.oid,
    amount: formatPlain(loan.received),
    account: `•••• ${clabe}`,
    provider_ref: paid.provider_ref,
    requested_at: Math.floor(requestedAt / 1000),
    arrived_at: Math.floor(arrivedAt / 1000),
  });
  t.truthy(json.data.bank);
  t.regex(paid.provider_ref, /^SBX/);
  const full = (await server.db('bank_accounts').where({ borrower_id: borrower.id }).orderBy('id', 'desc').first()).last4;
  t.is(full, clabe);
  const page = await app.get(`/Repay/disbursement?oid=${loan.oid}`);
  t.is(page.status, 200);
  t.true(page.text.includes(`•••• ${clabe}`) && page.text.includes(paid.provider_ref));
  t.regex(page.text, new RegExp(`href="/Repay/disbursement/pdf\\?oid=${loan.oid}"`));
  // Linked from the loan's page.
  t.regex((await app.get(`/Repay/loanDetail?oid=${loan.oid}`)).text, new RegExp(`id="disbursement-link"><a href="/Repay/disbursement\\?oid=${loan.oid}"`));

  const pdf = await app.get(`/Repay/disbursement/pdf?oid=${loan.oid}`);
  t.is(pdf.status, 200);
  t.is(pdf.headers.get('content-type'), 'application/pdf');
  t.is(pdf.headers.get('content-disposition'), `attachment; filename="cuota-disbursement-${loan.oid}.pdf"`);
  const text = await pdfText(pdf.bytes);
  for (const s of ['Disbursement receipt', paid.provider_ref, loan.oid, `•••• ${clabe}`, 'Money arrived']) t.true(text.includes(s), s);
  t.false(text.includes(borrower.phone), 'the phone is masked');
  const es = await pdfText((await app.get(`/Repay/disbursement/pdf?oid=${loan.oid}&lang=es`)).bytes);
  t.true(es.includes('Comprobante de depósito') && es.includes('El dinero llegó'), es);
  // No document anywhere carries the whole account number.
  const account = await server.db('bank_accounts').where({ borrower_id: borrower.id, is_default: true }).first();
  for (const body of [JSON.stringify(json), page.text, text]) t.false(body.includes(account.number_sealed));

  // Another borrower: the usual 404; a visitor signs in; staff may read it (audited).
  const other = await signedInApp(server);
  for (const path of [`/Repay/disbursement?oid=${loan.oid}`, `/Repay/disbursement/pdf?oid=${loan.oid}`, '/Repay/disbursement?oid=999999', '/Repay/disbursement?oid=abc']) {
    t.is((await other.app.getJson(path)).json().status, 404, path);
  }
  t.is((await other.app.get(`/Repay/disbursement?oid=${loan.oid}`)).status, 404);
  t.is((await new Client(server.url).getJson(`/Repay/disbursement?oid=${loan.oid}`)).json().status, -100);
  const { c, staff } = await staffClient(server);
  t.is((await c.get(`/support/disbursement?oid=${loan.oid}`)).status, 200);
  t.truthy(await server.db('audit_log').where({ action: 'view_disbursement', staff_id: staff.id }).first());
});

test.serial('arrival where the borrower looks: key facts say when the money arrived and that the due day counts from it; the timeline shows every attempt', async (t) => {
  const { app, borrower, loan } = await loanInReview(server, '1111');
  // Before: the key facts say the term will count from the arrival.
  t.regex((await app.get(`/Loan/keyFacts?oid=${loan.oid}`)).text, /id="kfs-from-arrival"/);
  await approveLoan(server, loan.id, staffId);
  t.is((await app.getJson(`/Loan/keyFacts?oid=${loan.oid}`)).json().data.arrivedAt, null);
  server.clock.advance(2 * DAY);
  const good = await server.db('bank_accounts').where({ borrower_id: borrower.id }).orderBy('id').first();
  await makeDefault(server.db, borrower.id, good.id);
  t.is((await app.postApp('/Index/ajaxSignIn', { username: borrower.phone, password: borrower.password })).json().status, 200);
  t.like((await app.postApp('/Loan/payoutRetry', {})).json(), { data: { loan_status: 'disbursed' } });
  const arrivedAt = server.clock.now().getTime();
  const arrivalDay = dayOf(arrivedAt, server.config.timeZone);

  const facts = (await app.getJson(`/Loan/keyFacts?oid=${loan.oid}`)).json().data;
  t.is(facts.arrivedAt, Math.floor(arrivedAt / 1000));
  t.is(facts.dueDay, isoDay(arrivalDay + loan.term_days));
  const kfs = await app.get(`/Loan/keyFacts?oid=${loan.oid}`);
  t.regex(kfs.text, /id="kfs-arrived">The money arrived in your account on [^<]+; your term of 7 days and the due day \([^)]+\) count from then\./);
  t.regex((await app.get(`/Loan/keyFacts?oid=${loan.oid}&lang=es`)).text, /id="kfs-arrived">El dinero llegó a tu cuenta el /);

  // The money comes back days later, and is sent again to a new account.
  server.clock.advance(3 * DAY);
  t.is((await app.postApp('/Index/ajaxSignIn', { username: borrower.phone, password: borrower.password })).json().status, 200);
  const second = (await payoutsOfLoan(server, loan.id)).find((p) => p.status === 'paid');
  t.is((await payoutCallback(server, { idempotency_key: second.idempotency_key, status: 'returned' })).json().outcome, 'returned');
  // While it is being sent again the loan's page is its payout page, never a crash.
  t.is((await app.getJson(`/Repay/loanDetail?oid=${loan.oid}`)).json().status, 404);
  t.is((await app.get(`/Repay/loanDetail?oid=${loan.oid}`)).status, 404);
  t.is((await app.getJson(`/Loan/keyFacts?oid=${loan.oid}`)).json().data.arrivedAt, null, 'the money is not with the borrower now');
  t.is((await app.getJson(`/Repay/disbursement?oid=${loan.oid}`)).json().status, 404, 'no receipt for money that came back');
  // Nothing to pay while the money is not with the borrower: no payment link, no bill in the app's JSON.
  const pay = (await app.postApp('/Repay/payData', { oid: loan.oid })).json();
  t.not(pay.status, 200, JSON.stringify(pay));
  t.like((await app.getJson('/Repay/loans')).json().data, { billId: '0', loan_status: 'payout_failed' });
  server.clock.advance(20 * 60_000);
  await useAccount(server, borrower.id, clabeEnding('4444'));
  t.like((await app.postApp('/Loan/payoutRetry', {})).json(), { data: { loan_status: 'disbursed' } });

  const detail = await app.get(`/Repay/loanDetail?oid=${loan.oid}`);
  t.is(detail.status, 200);
  t.deepEqual(timelineKinds(detail.text), [
    'applied',
    'confirmed',
    'payout_requested',
    'payout_failed',
    'payout_retried',
    'payout_arrived',
    'payout_returned',
    'payout_retried',
    'payout_arrived',
  ]);
  t.regex(detail.text, /arrived in your account: the term counts from here/);
  t.regex(detail.text, /came back from your bank: nothing was owed until it arrived again/);
  const es = await app.get(`/Repay/loanDetail?oid=${loan.oid}&lang=es`);
  t.regex(es.text, /llegó a tu cuenta: el plazo cuenta desde aquí/);
  t.regex(es.text, /La transferencia no se realizó/);
  // The receipt is the payout that arrived and stayed.
  const last = (await payoutsOfLoan(server, loan.id)).at(-1);
  t.is((await app.getJson(`/Repay/disbursement?oid=${loan.oid}`)).json().data.provider_ref, last.provider_ref);
});

test.serial('without any verified bank account (KYC_REQUIRED=false) the borrower is told to add one, not that the bank refused', async (t) => {
  const open = await startServer({ KYC_REQUIRED: 'false' });
  t.teardown(() => open.close());
  const borrower = await makeBorrower(open.db, { verified: false });
  const app = new Client(open.url);
  t.is((await app.postApp('/Index/ajaxSignIn', { username: borrower.phone, password: borrower.password })).json().status, 200);
  t.is((await app.postApp('/Loan/reLoan', { money: '1000', time: '7' })).json().status, 200);
  // The page flow: the confirmation's flash says what is missing.
  const token = await app.csrf('/Loan/confirm');
  const confirmed = await app.postForm('/Index/ajaxApply', { _csrf: token, kfs_ack: '1' });
  t.is(confirmed.status, 303);
  const home = await app.get('/Repay/index.shtml');
  t.regex(home.text, /you have no verified bank account to send the money to\. Add one/);
  t.regex(home.text, /id="payout-no-account"[\s\S]*?href="\/Bank\/index"/);
  t.notRegex(home.text, /did not accept the transfer/);
  const payout = (await app.getJson('/Loan/payout')).json().data;
  t.like(payout, { loan_status: 'payout_failed', needs_account: true, may_retry: false, add_account_url: '/Bank/index', owes: false });
  const page = await app.get('/Loan/payout?lang=es');
  t.regex(page.text, /no tienes una cuenta bancaria verificada/);
  t.regex(page.text, /id="payout-no-account"[\s\S]*?href="\/Bank\/index"/);
  t.notRegex(page.text, /action="\/Loan\/payoutRetry"/);
  // Retrying anyway is refused with the same advice, and nothing is owed.
  const retried = (await app.postApp('/Loan/payoutRetry', {})).json();
  t.like(retried, { status: 409 });
  t.regex(retried.message, /cuenta bancaria verificada/, 'in the language the borrower chose');
  t.is((await open.db('bills')).length, 0);
  // With an account, the same borrower retries and receives the loan.
  await useAccount(open, borrower.id, clabeEnding('3335'));
  t.like((await app.getJson('/Loan/payout')).json().data, { needs_account: false, may_retry: true });
  t.like((await app.postApp('/Loan/payoutRetry', {})).json(), { data: { loan_status: 'disbursed' } });
});
