import type { Config } from '../config.ts';
import { formatPlain } from '../domain/money.ts';
import type { ProductVersion } from '../domain/products.ts';
import { formatRate } from '../domain/rates.ts';

/**
 * A product version in the configured product's shape, so the cashgox
 * answers (default terms and rates, next loan period) describe the product
 * the borrower is offered; with the one seeded product they are the same
 * figures as before products existed.
 */
export function asConfigProduct(config: Pick<Config, 'product'>, v: ProductVersion | undefined): Config['product'] {
  if (!v) return config.product;
  return {
    quota: config.product.quota,
    terms: v.terms,
    defaultTerm: v.defaultTerm,
    minAmount: v.minAmount,
    amountStep: v.amountStep,
    loanRatePpm: v.loanRatePpm,
    repayRatePpm: v.repayRatePpm,
    overdueRatePpm: v.overdueRatePpm,
    overdueCapPpm: v.overdueCapPpm,
  };
}

/** A product's name in the page's language. */
export const productName = (v: Pick<ProductVersion, 'nameEn' | 'nameEs'>, lang: string) => (lang === 'es' ? v.nameEs : v.nameEn);

/**
 * One product as the app's JSON lists it, after the loan-supermarket spec's
 * product fields (`product_id`, `product_name`, `amount_min`, `amount_max`,
 * `interest_rate`) and Credit Pocket's product detail: amounts as decimal
 * strings, rates as the spec's shortest decimals per day.
 */
export function presentProductJson(v: ProductVersion, lang: string) {
  return {
    product_id: String(v.productId),
    product_version: v.version,
    product_name: productName(v, lang),
    amount_min: formatPlain(v.minAmount),
    amount_max: formatPlain(v.maxAmount),
    amount_step: formatPlain(v.amountStep),
    terms: v.terms.map(String),
    default_term: v.defaultTerm,
    interest_rate: formatRate(v.loanRatePpm),
    repay_rate: formatRate(v.repayRatePpm),
    overdue_rate: formatRate(v.overdueRatePpm),
    overdue_cap: formatRate(v.overdueCapPpm),
    delay_max: v.delayMax,
    eligibility: v.eligibility,
  };
}

/** A product for the pages (amounts stay in minor units for `fmt.money`). */
export function presentProductForPage(v: ProductVersion, lang: string) {
  return {
    id: v.productId,
    version: v.version,
    code: v.code,
    name: productName(v, lang),
    nameEn: v.nameEn,
    nameEs: v.nameEs,
    minAmount: v.minAmount,
    maxAmount: v.maxAmount,
    amountStep: v.amountStep,
    terms: v.terms,
    defaultTerm: v.defaultTerm,
    loanRate: formatRate(v.loanRatePpm),
    repayRate: formatRate(v.repayRatePpm),
    overdueRate: formatRate(v.overdueRatePpm),
    overdueCap: formatRate(v.overdueCapPpm),
    delayMax: v.delayMax,
    eligibility: v.eligibility,
    open: v.open,
  };
}
