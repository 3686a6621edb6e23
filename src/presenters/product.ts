import type { Config } from '../config.ts';
import type { BorrowerRow } from '../data/repositories/borrowers.ts';
import { formatShort } from '../domain/money.ts';
import { formatRate } from '../domain/rates.ts';

/** The product's default terms and rates, as every Repay/loans answer carries them. */
export function productDefaults(product: Config['product']) {
  return {
    default_loan_time: product.defaultTerm,
    default_deadline: product.terms.map(String),
    default_loan_interest: formatRate(product.loanRatePpm),
    default_repay_interest: formatRate(product.repayRatePpm),
  };
}

/** The spec's Repay/loans answer for a visitor: status -100 and the default product. */
export function presentVisitorLoans(product: Config['product']) {
  return { status: -100, quota: formatShort(product.quota), ...productDefaults(product) };
}

/** Who is signed in, as the page header shows it. */
export function presentIdentity(borrower: BorrowerRow) {
  return { phone: borrower.phone };
}
