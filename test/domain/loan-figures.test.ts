import test from 'ava';
import { availableQuota, extensionFee, keyFactFigures } from '../../src/domain/fees.ts';
import { reviewRule } from '../../src/domain/loan-review.ts';

// The spec's example loan: 5000.00 for 7 days, 0.0072/day repay interest, 0.043/day fee.
const terms = {
  principal: 500_000,
  received: 349_500,
  repayInterest: 25_200,
  termDays: 7,
  loanRatePpm: 43_000,
  overdueRatePpm: 20_000,
  overdueCapPpm: 1_000_000,
};

test('key facts: the amount due, the total cost, late and extension prices come from the loan\'s frozen terms', (t) => {
  t.deepEqual(keyFactFigures(terms), {
    amountDue: 525_200,
    totalCost: 525_200 - 349_500,
    overduePerDay: 10_000,
    overdueCap: 500_000,
    extensionFee: 150_500,
  });
});

test('an extension costs the loan\'s rate over one more term, in whole centavos', (t) => {
  t.is(extensionFee(500_000, 43_000, 7), 150_500);
  t.true(Number.isInteger(extensionFee(123_457, 7_200, 13)));
});

test('the available quota is the quota less an open loan\'s principal, never negative', (t) => {
  t.is(availableQuota(500_000, null), 500_000);
  t.is(availableQuota(500_000, 300_000), 200_000);
  t.is(availableQuota(500_000, 500_000), 0);
  t.is(availableQuota(200_000, 300_000), 0);
});

test('the automatic review approves what fits the quota with nothing else owed', (t) => {
  t.deepEqual(reviewRule(300_000, 500_000, 0), { approve: true });
  t.deepEqual(reviewRule(500_000, 500_000, 0), { approve: true });
  t.deepEqual(reviewRule(500_001, 500_000, 0), { approve: false, code: 'over_quota' });
  t.deepEqual(reviewRule(300_000, 500_000, 1), { approve: false, code: 'unpaid_loan' });
  t.deepEqual(reviewRule(600_000, 500_000, 1), { approve: false, code: 'over_quota' }, 'the quota is checked first');
});
