import test from 'ava';
import { delayQuote, extendOnBill, REPEAT_WINDOW_MS } from '../../src/domain/delay.ts';
import { APP_REJECTED, appStatus } from '../../src/domain/loan-status.ts';

test('the spec status of each loan state: a rejection is 3, never 2 (repaid)', (t) => {
  t.is(appStatus(undefined, undefined), 2);
  t.is(appStatus('awaiting_confirmation', undefined), 0);
  t.is(appStatus('in_review', undefined), 0);
  t.is(appStatus('disbursed', { status: 0 }), 0);
  t.is(appStatus('disbursed', { status: 1 }), 1);
  t.is(appStatus('disbursed', { status: 4 }), 4);
  t.is(appStatus('repaid', { status: 2 }), 2);
  t.is(appStatus('cancelled', { status: 2 }), 2);
  t.is(appStatus('rejected', undefined), APP_REJECTED);
  t.is(APP_REJECTED, 3);
});

const bill = { principal: 300_000, dueDay: 100, delayCount: 0, repaid: false };
const facts = { dueDay: 100, delayCount: 0, delayDays: 0, delayUnpaid: 0, overduePaid: 2_000, overdueCleared: 0, delayedAt: null };
const loan = { loanRatePpm: 43_000, term: 10 };

test('on the bill: the due day moves by the term from the old due day; price and late fee so far become unpaid delay', (t) => {
  const q = delayQuote(bill, { owed: { overdue: 10_000, interest: 0, delay: 0, principal: 0 } }, loan, 102, 3);
  const out = extendOnBill(facts, q, 10, 1_000_000);
  t.deepEqual(out, {
    change: { dueDay: 110, delayCount: 1, delayDays: 10, delayUnpaid: 129_000 + 10_000, overduePaid: 0, overdueCleared: 2_000 },
  });
});

test('on the bill: refused like a prepaid extension, and a repeated tap is the same request', (t) => {
  const owed = { owed: { overdue: 0, interest: 0, delay: 0, principal: 0 } };
  t.deepEqual(extendOnBill(facts, delayQuote(bill, owed, loan, 110, 3), 10, 0), { refusal: 'errors.delay_too_late' });
  t.deepEqual(extendOnBill({ ...facts, delayCount: 3 }, delayQuote({ ...bill, delayCount: 3 }, owed, loan, 90, 3), 10, 0), { refusal: 'errors.delay_limit' });
  const q = delayQuote({ ...bill, delayCount: 1 }, owed, loan, 90, 3);
  t.deepEqual(extendOnBill({ ...facts, delayCount: 1, delayedAt: 5_000 }, q, 10, 5_000 + REPEAT_WINDOW_MS - 1), { repeat: true });
  t.true('change' in extendOnBill({ ...facts, delayCount: 1, delayedAt: 5_000 }, q, 10, 5_000 + REPEAT_WINDOW_MS));
  const repaid = delayQuote({ ...bill, repaid: true }, owed, loan, 90, 3);
  t.deepEqual(extendOnBill({ ...facts, delayedAt: 5_000 }, repaid, 10, 5_001), { refusal: 'errors.delay_repaid' }, 'a repaid bill is refused even right after an extension');
});
