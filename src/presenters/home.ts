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
import { loanRequestSchema } from '../http/validate.ts';

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
  const canApply = mayApply && !kycMissing;
  return {
    data: presentBorrowerLoans(config, borrower, current, now),
    page: () => ({
      current: current && presentBillForPage(config, current, now),
      rejectCode: current?.loan.reject_code,
      reapplyOn,
      canApply,
      kycMissing: kycMissing ? { step: kycMissing, url: STEP_PAGES[kycMissing] } : null,
      ...(canApply ? quoteForm(ctx, borrower.quota) : {}),
    }),
  };
}

/** The home page's variables in one object, for the apply form re-rendered with an error. */
export async function homePage(ctx: Context) {
  const { data, page } = await homeModel(ctx);
  return { ...data, ...page() };
}

/** The confirmation page's model: the loan awaiting confirmation and its key facts statement. */
export async function confirmModel(ctx: Context) {
  const { config, db, clock } = ctx.deps;
  const current = await currentLoan(db, clock, config, ctx.state.borrower!.id);
  if (current?.loan.status !== 'awaiting_confirmation') return undefined;
  return { ...presentBillForPage(config, current, clock.now()), keyFacts: presentKeyFacts(config, current.loan, current.dueDay) };
}

/** The apply form's values and, when they make a loan the product allows, its quote (else why not). */
function quoteForm(ctx: Context, quota: number) {
  const { config, clock } = ctx.deps;
  const { product } = config;
  const asked = loanRequestSchema.safeParse(ctx.query);
  const request = asked.success ? { principal: asked.data.money, term: asked.data.time } : {};
  let quote: ReturnType<typeof presentQuote> | null = null;
  let problem: string | null = asked.success ? null : 'errors.invalid_input';
  try {
    if (!problem) quote = presentQuote(priceLoan(config, clock, { quota }, request));
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    problem = err.key;
  }
  const principal = request.principal ?? quota;
  return {
    form: {
      money: formatPlain(principal),
      time: request.term ?? product.defaultTerm,
      min: formatShort(product.minAmount),
      max: formatShort(quota),
      step: formatShort(product.amountStep),
      minAmount: product.minAmount,
      maxAmount: quota,
    },
    quote,
    quoteError: problem && ctx.query.money !== undefined ? ctx.state.t(problem) : null,
  };
}
