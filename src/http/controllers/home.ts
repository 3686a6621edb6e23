// The signed-in home page: the apply form with its quote, and the current loan.
import type { Context } from 'koa';
import { z } from 'zod';
import { dayOf, isoDay } from '../../domain/calendar.ts';
import { OPEN_STATES } from '../../domain/loan-status.ts';
import { formatPlain, parseMoney } from '../../domain/money.ts';
import { presentBillForPage, presentBorrowerLoans, presentQuote } from '../../presenters/loans.ts';
import { currentLoan } from '../../services/loan-reads.ts';
import { AppError } from '../../errors.ts';
import { priceLoan } from '../../services/loans.ts';
import { needsBankAccount } from '../../services/payouts/payouts.ts';
import { missingStep } from '../../services/identity.ts';
import { STEP_PAGES } from '../../presenters/identity.ts';
import { input } from '../validate.ts';
import { defaultPrincipal, type ProductVersion } from '../../domain/products.ts';
import { asConfigProduct, presentProductForPage, presentProductJson } from '../../presenters/products.ts';
import { productsOffered } from '../../services/products.ts';

const blankToUndefined = (v: unknown) => (v === '' || v === null ? undefined : v);

/** `money` (a plain decimal amount) and `time` (days), both optional. */
export const loanRequestSchema = z.object({
  money: z.preprocess(
    blankToUndefined,
    z
      .union([z.string(), z.number()], { error: 'errors.amount_invalid' })
      .optional()
      .transform((v, ctx) => {
        if (v === undefined) return undefined;
        const minor = parseMoney(String(v));
        if (minor === null || !Number.isSafeInteger(minor)) {
          ctx.addIssue({ code: 'custom', message: 'errors.amount_invalid' });
          return z.NEVER;
        }
        return minor;
      }),
  ),
  time: z.preprocess(
    blankToUndefined,
    z
      .union([z.string().regex(/^\d{1,3}$/, 'errors.term_invalid'), z.number().int()], { error: 'errors.term_invalid' })
      .optional()
      .transform((v) => (v === undefined ? undefined : Number(v))),
  ),
  /** The product chosen (several products); without it, the first one offered. */
  product_id: z.preprocess(
    blankToUndefined,
    z
      .union([z.string().regex(/^[1-9]\d{0,8}$/, 'errors.product_unknown'), z.number().int().positive().max(999_999_999)], { error: 'errors.product_unknown' })
      .optional()
      .transform((v) => (v === undefined ? undefined : Number(v))),
  ),
});

/** The product a request names among those offered, else the first offered (undefined when none is). */
export function chosenProduct(offered: ProductVersion[], query: unknown): ProductVersion | undefined {
  const asked = loanRequestSchema.shape.product_id.safeParse((query as Record<string, unknown>)?.product_id);
  return (asked.success && offered.find((p) => p.productId === asked.data)) || offered[0];
}

/** The signed-in home page's view model: the Repay/loans data plus what only the page shows. */
export async function homeModel(ctx: Context) {
  const { config, db, clock } = ctx.deps;
  const borrower = ctx.state.borrower!;
  const current = await currentLoan(db, clock, config, borrower.id);
  const now = clock.now();
  const reapplyAt = current?.loan.status === 'rejected' ? current.loan.reapply_at : null;
  const reapplyOn = reapplyAt && reapplyAt > now.getTime() ? isoDay(dayOf(reapplyAt, config.timeZone)) : null;
  const mayApply = (!current || !OPEN_STATES.includes(current.loan.status)) && !reapplyOn;
  // Before an application: the verification step still missing, named on the page.
  const kycMissing = mayApply ? await missingStep(db, config, borrower.id) : null;
  const offered = await productsOffered(db, clock, config, borrower.id);
  // The query on a page, the form's body when a refused application re-renders it.
  const chosen = chosenProduct(offered, input(ctx));
  const canApply = mayApply && !kycMissing && Boolean(chosen);
  const data = presentBorrowerLoans({ ...config, product: asConfigProduct(config, chosen) }, borrower, current, now);
  // The cashgox answer is unchanged with one product; with several it names the one shown and lists the choice.
  const choice = offered.length > 1 ? { product_id: String(chosen!.productId), products: offered.map((p) => presentProductJson(p, ctx.state.lang)) } : {};
  const payoutNeedsAccount = await needsBankAccount(db, borrower.id);
  return {
    data: { ...data, ...choice },
    page: () => ({
      products: offered.length > 1 ? offered.map((p) => presentProductForPage(p, ctx.state.lang)) : [],
      product: chosen && presentProductForPage(chosen, ctx.state.lang),
      noProduct: mayApply && !kycMissing && !chosen,
      current: current && presentBillForPage(config, current, now),
      rejectCode: current?.loan.reject_code,
      reapplyOn,
      canApply,
      payoutNeedsAccount,
      kycMissing: kycMissing ? { step: kycMissing, url: STEP_PAGES[kycMissing] } : null,
      ...(canApply ? quoteForm(ctx, borrower.quota, chosen!) : {}),
    }),
  };
}

/** The apply form's values and, when they make a loan the product allows, its quote (else why not). */
function quoteForm(ctx: Context, quota: number, product: ProductVersion) {
  const { config, clock } = ctx.deps;
  const asked = loanRequestSchema.safeParse(ctx.query);
  const request = asked.success ? { principal: asked.data.money, term: asked.data.time } : {};
  let quote: ReturnType<typeof presentQuote> | null = null;
  let problem: string | null = asked.success ? null : 'errors.invalid_input';
  try {
    if (!problem) quote = presentQuote(priceLoan(config, clock, { quota }, request, product));
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    problem = err.key;
  }
  const principal = request.principal ?? defaultPrincipal(quota, product);
  return {
    form: {
      money: formatPlain(principal),
      time: request.term ?? product.defaultTerm,
      min: product.minAmount / 100,
      max: defaultPrincipal(quota, product) / 100,
      step: product.amountStep / 100,
      productId: product.productId,
    },
    quote,
    quoteError: problem && ctx.query.money !== undefined ? ctx.state.t(problem) : null,
  };
}
