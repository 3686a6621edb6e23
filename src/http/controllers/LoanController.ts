import type { Context } from 'koa';
import { formatPlain } from '../../domain/money.ts';
import { formatters } from '../../presenters/format.ts';
import { presentBillForPage, presentQuoteJson } from '../../presenters/loans.ts';
import { currentLoan } from '../../services/loan-reads.ts';
import { applyForLoan, priceLoan } from '../../services/loans.ts';
import { respond } from '../respond.ts';
import { input, validate } from '../validate.ts';
import { homeModel, loanRequestSchema } from './home.ts';

/** GET/POST /Loan/reLoan (auth): applies for a loan; the page goes on to the confirmation. */
export async function reLoan(ctx: Context): Promise<void> {
  const raw = input(ctx);
  const { config, db, clock } = ctx.deps;
  const borrower = ctx.state.borrower!;
  ctx.state.form = {
    view: 'repay/index.njk',
    page: '/Repay/index.shtml',
    values: { money: raw.money, time: raw.time },
    data: async () => {
      const { data, page } = await homeModel(ctx);
      return { ...data, ...page() };
    },
  };
  const request = validate(loanRequestSchema, raw);
  await applyForLoan(db, clock, config, borrower, { principal: request.money, term: request.time });
  respond(ctx, { message: 'messages.successful', redirect: '/Loan/confirm' });
}

/** GET /Loan/confirm (auth): the key facts of the loan awaiting confirmation, and the button that confirms it. */
export async function confirmPage(ctx: Context): Promise<void> {
  const { config, db, clock } = ctx.deps;
  const current = await currentLoan(db, clock, config, ctx.state.borrower!.id);
  if (current?.loan.status !== 'awaiting_confirmation') return ctx.redirect('/Repay/index.shtml');
  respond(ctx, {
    view: 'loan/confirm.njk',
    data: presentBillForPage(config, current, clock.now()),
  });
}

/** GET /Loan/quote (auth): the live quote the apply form shows while the borrower types. */
export function quote(ctx: Context): void {
  const { config, clock } = ctx.deps;
  const request = validate(loanRequestSchema, ctx.query);
  const q = priceLoan(config, clock, ctx.state.borrower!, { principal: request.money, term: request.time });
  respond(ctx, {
    data: presentQuoteJson(q, formatters(ctx.state.lang, config)),
    message: 'messages.successfully',
    redirect: `/Repay/index.shtml?money=${encodeURIComponent(formatPlain(q.principal))}&time=${q.term}`,
  });
}
