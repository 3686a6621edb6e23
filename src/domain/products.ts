import { type Product, termsWhereFeeReachesPrincipal } from './fees.ts';
import type { Minor } from './money.ts';

/** Who may borrow with a product: anyone, only a borrower who never repaid a loan, or only one who did. */
export const ELIGIBILITIES = ['everyone', 'first_loan', 'repeat'] as const;
export type Eligibility = (typeof ELIGIBILITIES)[number];

/** One version of a loan product: everything that prices a loan, frozen once saved. */
export interface ProductTerms extends Omit<Product, 'quota'> {
  nameEn: string;
  nameEs: string;
  maxAmount: Minor;
  /** The extension rule: how many extensions one loan may buy (DELAY_MAX for the seeded product). */
  delayMax: number;
  eligibility: Eligibility;
  open: boolean;
}

export interface ProductVersion extends ProductTerms {
  productId: number;
  code: string;
  version: number;
  /** The product's newest version (equal to `version` unless this one was superseded). */
  currentVersion: number;
}

/** The largest number of days a term may have, and extensions a product may allow. */
export const MAX_TERM_DAYS = 365;
export const MAX_DELAYS = 100;

/**
 * Why a product's figures cannot be offered, as field -> i18n key (empty when
 * they can): the same rules configuration applies to PRODUCT_* at start-up.
 */
export function productProblems(p: ProductTerms): Record<string, string> {
  const problems: Record<string, string> = {};
  if (p.terms.length === 0 || p.terms.some((t) => !Number.isInteger(t) || t < 1 || t > MAX_TERM_DAYS) || new Set(p.terms).size !== p.terms.length) {
    problems.terms = 'errors.product_terms';
  } else if (!p.terms.includes(p.defaultTerm)) {
    problems.default_term = 'errors.product_default_term';
  } else if (termsWhereFeeReachesPrincipal(p).length > 0) {
    problems.loan_rate = 'errors.product_fee_too_high';
  }
  if (p.amountStep <= 0) problems.amount_step = 'errors.product_step';
  else if (p.minAmount <= 0 || p.minAmount % p.amountStep !== 0) problems.min_amount = 'errors.product_min_step';
  else if (p.maxAmount < p.minAmount || p.maxAmount % p.amountStep !== 0) problems.max_amount = 'errors.product_max';
  if (!Number.isInteger(p.delayMax) || p.delayMax < 0 || p.delayMax > MAX_DELAYS) problems.delay_max = 'errors.product_delay_max';
  return problems;
}

/** Whether a borrower who has repaid `repaidLoans` loans may borrow with a product of this eligibility. */
export function isEligible(eligibility: Eligibility, repaidLoans: number): boolean {
  if (eligibility === 'first_loan') return repaidLoans === 0;
  if (eligibility === 'repeat') return repaidLoans > 0;
  return true;
}

/** The products a borrower may choose from now: open and eligible, in the order given. */
export function offeredProducts<P extends Pick<ProductTerms, 'open' | 'eligibility'>>(products: P[], repaidLoans: number): P[] {
  return products.filter((p) => p.open && isEligible(p.eligibility, repaidLoans));
}

/** Why a borrower cannot borrow with this product now (an i18n key), or null when they can. */
export function productRefusal(p: Pick<ProductTerms, 'open' | 'eligibility'>, repaidLoans: number): string | null {
  if (!p.open) return 'errors.product_closed';
  if (!isEligible(p.eligibility, repaidLoans)) return p.eligibility === 'first_loan' ? 'errors.product_first_loan_only' : 'errors.product_repeat_only';
  return null;
}

/** The amount offered by default: the borrower's quota, within the product's maximum. */
export function defaultPrincipal(quota: Minor, p: Pick<ProductTerms, 'maxAmount'>): Minor {
  return Math.min(quota, p.maxAmount);
}

/** Only the figures that differ between two versions, as before/after pairs (for the audit log). */
export function productChanges(before: ProductTerms, after: ProductTerms): Record<string, { before: unknown; after: unknown }> {
  const changes: Record<string, { before: unknown; after: unknown }> = {};
  for (const key of Object.keys(after) as Array<keyof ProductTerms>) {
    const a = before[key];
    const b = after[key];
    if (JSON.stringify(a) !== JSON.stringify(b)) changes[key] = { before: a, after: b };
  }
  return changes;
}

