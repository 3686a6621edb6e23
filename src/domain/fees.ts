import type { Day } from './calendar.ts';
import type { Minor } from './money.ts';
import type { Ppm } from './rates.ts';

/** The product's numbers, as configuration gives them. */
export interface Product {
  quota: Minor;
  terms: number[];
  defaultTerm: number;
  minAmount: Minor;
  amountStep: Minor;
  loanRatePpm: Ppm;
  repayRatePpm: Ppm;
  overdueRatePpm: Ppm;
  overdueCapPpm: Ppm;
}

/**
 * amount x rate x days, rounded half-up to the minor unit once, at the end.
 * BigInt keeps the product exact far past 2^53.
 */
export function rateOf(amount: Minor, ratePpm: Ppm, days: number): Minor {
  const exact = BigInt(amount) * BigInt(ratePpm) * BigInt(days);
  return Number((exact * 2n + 1_000_000n) / 2_000_000n);
}

export interface Quote {
  principal: Minor;
  term: number;
  /** Spec `interest` / `serviceFee`: deducted at disbursement. */
  fee: Minor;
  received: Minor;
  /** Spec `repay_interest`. */
  repayInterest: Minor;
  /** What is owed at maturity: principal plus repay interest. */
  amountDue: Minor;
  dueDay: Day;
}

/** The quote for borrowing `principal` for `term` days starting on `startDay`. */
export function quote(principal: Minor, term: number, product: Pick<Product, 'loanRatePpm' | 'repayRatePpm'>, startDay: Day): Quote {
  const fee = rateOf(principal, product.loanRatePpm, term);
  const repayInterest = rateOf(principal, product.repayRatePpm, term);
  return {
    principal,
    term,
    fee,
    received: principal - fee,
    repayInterest,
    amountDue: principal + repayInterest,
    dueDay: startDay + term,
  };
}

/**
 * The offered terms whose fee (deducted at disbursement, rounded half-up)
 * would be the whole principal or more for some amount the product lends,
 * leaving the borrower nothing: such a product cannot be offered. Exactly,
 * what is left is principal x (1 - rate x term) less at most half a minor
 * unit of rounding; it grows with the principal, so it is at least one minor
 * unit for every amount when it is over half a unit for the smallest one.
 */
export function termsWhereFeeReachesPrincipal(product: Pick<Product, 'terms' | 'loanRatePpm' | 'minAmount'>): number[] {
  return product.terms.filter((term) => product.minAmount * (1_000_000 - product.loanRatePpm * term) <= 500_000);
}

/** Full calendar days past the due day on `today` (0 on or before it). */
export function daysOverdue(dueDay: Day, today: Day): number {
  return Math.max(0, today - dueDay);
}

/** The overdue fee after `days` days: principal x overdue rate x days, capped at a share of the principal. */
export function overdueFee(principal: Minor, days: number, product: Pick<Product, 'overdueRatePpm' | 'overdueCapPpm'>): Minor {
  const cap = rateOf(principal, product.overdueCapPpm, 1);
  return Math.min(rateOf(principal, product.overdueRatePpm, days), cap);
}

/** Why an amount or term cannot be borrowed, as an i18n key, or null when it can. */
export function amountProblem(
  principal: Minor,
  term: number,
  available: Minor,
  product: Pick<Product, 'terms' | 'minAmount' | 'amountStep'> & { maxAmount?: Minor },
): string | null {
  if (!product.terms.includes(term)) return 'errors.term_invalid';
  if (principal < product.minAmount) return 'errors.amount_too_small';
  if (principal > available) return 'errors.amount_over_quota';
  // A product's own ceiling (several products): the quota is the borrower's, the ceiling the product's.
  if (product.maxAmount !== undefined && principal > product.maxAmount) return 'errors.amount_over_product';
  if (principal % product.amountStep !== 0) return 'errors.amount_step';
  return null;
}

/** What the borrower may still borrow: the quota, less the principal of a loan still open (never below zero). */
export function availableQuota(quota: Minor, openPrincipal: Minor | null): Minor {
  return openPrincipal === null ? quota : Math.max(0, quota - openPrincipal);
}

/** A loan's frozen terms, as its row keeps them (minor units, parts per million, days). */
export interface LoanTerms {
  principal: Minor;
  received: Minor;
  repayInterest: Minor;
  termDays: number;
  loanRatePpm: Ppm;
  overdueCapPpm: Ppm;
  overdueRatePpm: Ppm;
}

/** The key facts' figures of a loan, from its own frozen terms: what is due, what it costs, what being late or an extension costs. */
export function keyFactFigures(terms: LoanTerms) {
  const amountDue = terms.principal + terms.repayInterest;
  return {
    amountDue,
    totalCost: amountDue - terms.received,
    overduePerDay: rateOf(terms.principal, terms.overdueRatePpm, 1),
    overdueCap: rateOf(terms.principal, terms.overdueCapPpm, 1),
    extensionFee: extensionFee(terms.principal, terms.loanRatePpm, terms.termDays),
  };
}

/** An extension's price: the loan's own rate over one more term. */
export function extensionFee(principal: Minor, loanRatePpm: Ppm, termDays: number): Minor {
  return rateOf(principal, loanRatePpm, termDays);
}
