import test from 'ava';
import { canTransition, OPEN_STATES, PAYOUT_STATES as LOAN_PAYOUT_STATES, transition, TransitionError } from '../../src/domain/loan-status.ts';
import { afterReturn, canMovePayout, isStuck, PAYOUT_STATES, payoutKey, reportMove } from '../../src/domain/payouts.ts';

test('a loan is paid out before it is owed: approved -> paying_out -> disbursed, or payout_failed and back', (t) => {
  t.true(canTransition('in_review', 'paying_out'));
  t.false(canTransition('in_review', 'disbursed'), 'approval alone never makes a debt');
  t.true(canTransition('paying_out', 'disbursed'));
  t.true(canTransition('paying_out', 'payout_failed'));
  t.true(canTransition('payout_failed', 'paying_out'));
  t.false(canTransition('payout_failed', 'disbursed'), 'a failed payout is retried, never marked arrived');
  t.true(canTransition('disbursed', 'payout_failed'), 'a returned payout reopens the failure path');
  t.false(canTransition('payout_failed', 'repaid'));
  t.throws(() => transition('paying_out', 'repaid'), { instanceOf: TransitionError });
  for (const s of LOAN_PAYOUT_STATES) t.true(OPEN_STATES.includes(s), `${s} blocks a second loan`);
});

test('payout states: pending -> paid | failed; paid -> returned; nothing else', (t) => {
  const allowed = new Set(['pending>paid', 'pending>failed', 'paid>returned']);
  for (const from of PAYOUT_STATES) for (const to of PAYOUT_STATES) t.is(canMovePayout(from, to), allowed.has(`${from}>${to}`), `${from}>${to}`);
  t.deepEqual(reportMove('paid'), { from: 'pending', to: 'paid' });
  t.deepEqual(reportMove('failed'), { from: 'pending', to: 'failed' });
  t.deepEqual(reportMove('returned'), { from: 'paid', to: 'returned' });
  t.is(payoutKey('2026112312000012345678', 2), 'loan-2026112312000012345678-payout-2');
});

test('a returned payout cancels the bill; what was paid is owed back', (t) => {
  const nothing = { overdue_paid: 0, interest_paid: 0, delay_paid: 0, principal_paid: 0, excess_paid: 0 };
  t.deepEqual(afterReturn(nothing), { billStatus: 'cancelled', refundDue: 0 });
  t.deepEqual(afterReturn({ ...nothing, interest_paid: 500, principal_paid: 10_000, extension_paid: 300 }), { billStatus: 'cancelled', refundDue: 10_800 });
});

test('stuck: pending longer than the configured time', (t) => {
  t.true(isStuck('pending', 0, 3_600_001, 3_600_000));
  t.false(isStuck('pending', 0, 3_600_000, 3_600_000));
  t.false(isStuck('paid', 0, 10 * 3_600_000, 3_600_000));
});
