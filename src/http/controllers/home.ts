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
});

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
  const payoutNeedsAccount = await needsBankAccount(db, borrower.id);
  return {
    data: presentBorrowerLoans(config, borrower, current, now),
    page: () => ({
      current: current && presentBillForPage(config, current, now),
      rejectCode: current?.loan.reject_code,
      reapplyOn,
      canApply,
      payoutNeedsAccount,
      kycMissing: kycMissing ? { step: kycMissing, url: STEP_PAGES[kycMissing] } : null,
      ...(canApply ? quoteForm(ctx, borrower.quota) : {}),
    }),
  };
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
      min: product.minAmount / 100,
      max: quota / 100,
      step: product.amountStep / 100,
    },
    quote,
    quoteError: problem && ctx.query.money !== undefined ? ctx.state.t(problem) : null,
  };
}
