import test from 'ava';
import { annualCost } from '../../src/domain/cost.ts';
import { exitQuote } from '../../src/domain/exit.ts';
import { maskPhone } from '../../src/domain/phone.ts';

test('APR and CAT of the worked example: receive 1710.00, repay 3216.00 after 10 days', (t) => {
  // APR = (3216 − 1710) / 1710 × 365 / 10 = 0.880702 × 36.5 = 32.1456 → 3,214.6 %
  // CAT = (3216 / 1710)^(365 / 10) − 1 = 1.880702^36.5 − 1 = 10,296,210,987.188 → 1,029,621,098,718.8 %
  const cost = annualCost(171_000, 321_600, 10);
  t.is(cost.apr, 32.146);
  t.true(Math.abs(cost.cat - 10_296_210_987.188) / 10_296_210_987.188 < 1e-9, String(cost.cat));
});

test('APR and CAT agree over exactly one year and part ways below it', (t) => {
  t.deepEqual(annualCost(100_000, 110_000, 365), { apr: 0.1, cat: 0.1 });
  // 30 days: APR = 0.1 × 365 / 30 = 1.21667; CAT = 1.1^(365/30) − 1 = 2.18868.
  t.deepEqual(annualCost(100_000, 110_000, 30), { apr: 1.217, cat: 2.189 });
  t.deepEqual(annualCost(100_000, 100_000, 7), { apr: 0, cat: 0 });
  t.throws(() => annualCost(0, 100, 7), { instanceOf: RangeError });
  t.throws(() => annualCost(100, 50, 7), { instanceOf: RangeError });
});

const bill = { principal: 300_000, startDay: 1000, open: true, paidAnything: false };
const loan = { received: 171_000, repayRatePpm: 7200 };

test('the cooling-off exit asks for the amount received plus interest for the days held, the disbursement day included', (t) => {
  t.like(exitQuote(bill, loan, 1000, 3), { daysHeld: 1, interest: 2160, amount: 173_160, lastDay: 1003, refusal: null });
  // Issue 13: day 1 is two days held, not the same as day 0: 3000.00 × 0.0072 × 2 = 43.20; the 1290.00 fee is waived.
  t.like(exitQuote(bill, loan, 1001, 3), { daysHeld: 2, interest: 4320, amount: 175_320, waived: 129_000, refusal: null });
  t.like(exitQuote(bill, loan, 1002, 3), { daysHeld: 3, interest: 6480 });
  t.like(exitQuote(bill, loan, 1003, 3), { daysHeld: 4, refusal: null }, 'the last day still counts');
});

test('the exit is refused after the period, after a payment, on a closed bill, or with no period at all', (t) => {
  t.is(exitQuote(bill, loan, 1004, 3).refusal, 'errors.exit_expired');
  t.is(exitQuote({ ...bill, paidAnything: true }, loan, 1001, 3).refusal, 'errors.exit_after_payment');
  t.is(exitQuote({ ...bill, open: false }, loan, 1001, 3).refusal, 'errors.exit_closed');
  t.is(exitQuote(bill, loan, 1000, 0).refusal, 'errors.exit_expired');
});

test('documents show a phone with only its ends', (t) => {
  t.is(maskPhone('9680304707'), '96******07');
  t.is(maskPhone('+525512345678'), '+52********78');
  t.is(maskPhone('1234'), '****');
});
