// Page models of the loan pages: the signed-in home page (the apply form with
// its quote, and the current loan) and the confirmation with its key facts.
// They take the request (its borrower, query and language) and read through services.
import type { Context } from 'koa';
import { dayOf, isoDay } from '../domain/calendar.ts';
import { OPEN_STATES } from '../domain/loan-status.ts';
import { formatPlain, formatShort } from '../domain/money.ts';
import { presentBillForPage, presentBorrowerLoans, presentQuote } from './loans.ts';
import { presentKeyFacts } from './protection.ts';
import { currentLoan } from '../services/loan-reads.ts';
import { AppError } from '../errors.ts';
import { priceLoan } from '../services/loans.ts';
import { missingStep } from '../services/identity.ts';
import { STEP_PAGES } from './identity.ts';
import { input, loanRequestSchema } from '../http/validate.ts';
import { needsBankAccount } from '../services/payouts/payouts.ts';
import { defaultPrincipal, type ProductVersion } from '../domain/products.ts';
import { asConfigProduct, presentProductForPage, presentProductJson, productName } from './products.ts';
import { productsOffered, productVersion } from '../services/products.ts';
import type { LoanRow } from '../data/repositories/loans.ts';
import type { Db } from '../data/db.ts';

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
  // Only a failed payout can be waiting for an account: no extra read on every other home request.
  const payoutNeedsAccount = current?.loan.status === 'payout_failed' && (await needsBankAccount(db, borrower.id));
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

/** The home page's variables in one object, for the apply form re-rendered with an error. */
export async function homePage(ctx: Context) {
  const { data, page } = await homeModel(ctx);
  return { ...data, ...page() };
}

/** A loan's key facts with the product (and version) it was priced with, when it has one. */
export async function keyFactsWithProduct(ctx: Context, loan: LoanRow, dueDay: number) {
  const facts = presentKeyFacts(ctx.deps.config, loan, dueDay);
  const v = loan.product_id !== null && loan.product_version !== null ? await productVersion(ctx.deps.db, loan.product_id, loan.product_version) : undefined;
  return v ? { ...facts, productId: String(v.productId), productVersion: v.version, productName: productName(v, ctx.state.lang) } : facts;
}

/** The confirmation page's model: the loan awaiting confirmation and its key facts statement. */
export async function confirmModel(ctx: Context) {
  const { config, db, clock } = ctx.deps;
  const current = await currentLoan(db, clock, config, ctx.state.borrower!.id);
  if (current?.loan.status !== 'awaiting_confirmation') return undefined;
  return { ...presentBillForPage(config, current, clock.now()), keyFacts: await keyFactsWithProduct(ctx, current.loan, current.dueDay) };
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
      min: formatShort(product.minAmount),
      max: formatShort(defaultPrincipal(quota, product)),
      step: formatShort(product.amountStep),
      minAmount: product.minAmount,
      maxAmount: defaultPrincipal(quota, product),
      productId: product.productId,
    },
    quote,
    quoteError: problem && ctx.query.money !== undefined ? ctx.state.t(problem) : null,
  };
}

const CONFIRMED_FLASH: Record<string, string> = {
  disbursed: 'messages.loan_disbursed',
  rejected: 'messages.loan_rejected',
  paying_out: 'messages.loan_paying_out',
  payout_failed: 'messages.payout_failed',
};

/** The message after a confirmation: what became of the loan (a failed payout with no account to send it to says so). */
export async function confirmedFlash(db: Db, loan: Pick<LoanRow, 'status' | 'borrower_id'>): Promise<string> {
  if (loan.status === 'payout_failed' && (await needsBankAccount(db, loan.borrower_id))) return 'messages.payout_no_account';
  return CONFIRMED_FLASH[loan.status] ?? 'messages.loan_in_review';
}
