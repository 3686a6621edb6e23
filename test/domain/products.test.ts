import test from 'ava';
import { amountProblem } from '../../src/domain/fees.ts';
import { defaultPrincipal, isEligible, offeredProducts, productChanges, productProblems, productRefusal, type ProductTerms } from '../../src/domain/products.ts';

const base: ProductTerms = {
  nameEn: 'Cash loan',
  nameEs: 'Préstamo',
  terms: [7, 10, 15, 20],
  defaultTerm: 7,
  minAmount: 100_000,
  maxAmount: 2_000_000,
  amountStep: 10_000,
  loanRatePpm: 43_000,
  repayRatePpm: 7_200,
  overdueRatePpm: 20_000,
  overdueCapPpm: 1_000_000,
  delayMax: 3,
  eligibility: 'everyone',
  open: true,
};

test('a valid product has no problems; each rule names its field', (t) => {
  t.deepEqual(productProblems(base), {});
  t.deepEqual(productProblems({ ...base, loanRatePpm: 50_000 }), { loan_rate: 'errors.product_fee_too_high' }, '0.05 x 20 days is the whole principal');
  t.deepEqual(productProblems({ ...base, loanRatePpm: 49_999 }), {});
  t.deepEqual(productProblems({ ...base, defaultTerm: 8 }), { default_term: 'errors.product_default_term' });
  t.deepEqual(productProblems({ ...base, terms: [] }), { terms: 'errors.product_terms' });
  t.deepEqual(productProblems({ ...base, terms: [7, 7] }), { terms: 'errors.product_terms' });
  t.deepEqual(productProblems({ ...base, terms: [7, 366] }), { terms: 'errors.product_terms' });
  t.deepEqual(productProblems({ ...base, minAmount: 105_000 }), { min_amount: 'errors.product_min_step' });
  t.deepEqual(productProblems({ ...base, maxAmount: 90_000 }), { max_amount: 'errors.product_max' });
  t.deepEqual(productProblems({ ...base, maxAmount: 2_000_050 }), { max_amount: 'errors.product_max' });
  t.deepEqual(productProblems({ ...base, amountStep: 0 }), { amount_step: 'errors.product_step' });
  t.deepEqual(productProblems({ ...base, delayMax: 101 }), { delay_max: 'errors.product_delay_max' });
});

test('eligibility: everyone, first loan only, repeat borrowers only; closed is refused first', (t) => {
  t.true(isEligible('everyone', 0));
  t.true(isEligible('first_loan', 0));
  t.false(isEligible('first_loan', 1));
  t.false(isEligible('repeat', 0));
  t.true(isEligible('repeat', 2));
  t.is(productRefusal({ open: false, eligibility: 'everyone' }, 0), 'errors.product_closed');
  t.is(productRefusal({ open: true, eligibility: 'repeat' }, 0), 'errors.product_repeat_only');
  t.is(productRefusal({ open: true, eligibility: 'first_loan' }, 3), 'errors.product_first_loan_only');
  t.is(productRefusal({ open: true, eligibility: 'first_loan' }, 0), null);
  const list = [
    { id: 1, open: true, eligibility: 'everyone' as const },
    { id: 2, open: false, eligibility: 'everyone' as const },
    { id: 3, open: true, eligibility: 'repeat' as const },
    { id: 4, open: true, eligibility: 'first_loan' as const },
  ];
  t.deepEqual(offeredProducts(list, 0).map((p) => p.id), [1, 4]);
  t.deepEqual(offeredProducts(list, 1).map((p) => p.id), [1, 3]);
});

test("a product's maximum bounds the amount and the default principal; the quota stays the borrower's", (t) => {
  t.is(amountProblem(400_000, 7, 500_000, { ...base, maxAmount: 300_000 }), 'errors.amount_over_product');
  t.is(amountProblem(600_000, 7, 500_000, { ...base, maxAmount: 300_000 }), 'errors.amount_over_quota');
  t.is(amountProblem(300_000, 7, 500_000, { ...base, maxAmount: 300_000 }), null);
  t.is(amountProblem(400_000, 7, 500_000, { ...base, maxAmount: undefined }), null, 'without a maximum, as configuration');
  t.is(defaultPrincipal(500_000, { maxAmount: 300_000 }), 300_000);
  t.is(defaultPrincipal(200_000, { maxAmount: 300_000 }), 200_000);
});

test('the audit names only what changed, before and after', (t) => {
  t.deepEqual(productChanges(base, { ...base, repayRatePpm: 8_000, terms: [7, 10] }), {
    terms: { before: [7, 10, 15, 20], after: [7, 10] },
    repayRatePpm: { before: 7_200, after: 8_000 },
  });
  t.deepEqual(productChanges(base, { ...base }), {});
});
