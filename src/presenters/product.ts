import type { Config } from '../config.ts';
import type { BorrowerRow } from '../data/repositories/borrowers.ts';
import { formatPlain, formatShort } from '../domain/money.ts';
import { formatRate } from '../domain/rates.ts';

function defaults(product: Config['product']) {
  return {
    default_loan_time: product.defaultTerm,
    default_deadline: product.terms.map(String),
    default_loan_interest: formatRate(product.loanRatePpm),
    default_repay_interest: formatRate(product.repayRatePpm),
  };
}

/** The spec's Repay/loans answer for a visitor: status -100 and the default product. */
export function presentVisitorLoans(product: Config['product']) {
  return { status: -100, quota: formatShort(product.quota), ...defaults(product) };
}

/**
 * Repay/loans for a signed-in borrower who has no loan yet: their own quota,
 * all of it available, and status 2 (nothing owed: the spec's "repaid").
 */
export function presentBorrowerLoans(product: Config['product'], borrower: BorrowerRow) {
  return {
    quota: formatPlain(borrower.quota),
    doquota: formatPlain(borrower.quota),
    ...defaults(product),
    status: 2,
  };
}

/** Who is signed in, as the page header shows it. */
export function presentIdentity(borrower: BorrowerRow) {
  return { phone: borrower.phone };
}
