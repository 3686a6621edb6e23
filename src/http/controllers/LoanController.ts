import type { Context } from 'koa';
import { formatDay, isoDay } from '../../domain/calendar.ts';
import { amountProblem } from '../../domain/fees.ts';
import { formatPlain } from '../../domain/money.ts';
import { invalidInput } from '../../errors.ts';
import { formatters } from '../../presenters/format.ts';
import { presentBillForPage, snapshot } from '../../presenters/loans.ts';
import { currentLoan } from '../../services/loan-reads.ts';
import { applyForLoan, quoteToday } from '../../services/loans.ts';
import { respond } from '../respond.ts';
import { homeModel, loanRequestSchema } from './home.ts';
import { input, validate } from '../validate.ts';

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
    data: presentBillForPage(config, snapshot(current.loan, undefined, clock.now(), config.timeZone), clock.now()),
  });
}

/** GET /Loan/quote (auth): the live quote the apply form shows while the borrower types. */
export function quote(ctx: Context): void {
  const { config, clock } = ctx.deps;
  const borrower = ctx.state.borrower!;
  const request = validate(loanRequestSchema, ctx.query);
  const principal = request.money ?? borrower.quota;
  const term = request.time ?? config.product.defaultTerm;
  const problem = amountProblem(principal, term, borrower.quota, config.product);
  if (problem) throw invalidInput({ [problem === 'errors.term_invalid' ? 'time' : 'money']: problem });
  const q = quoteToday(config, clock, principal, term);
  const f = formatters(ctx.state.lang, config);
  respond(ctx, {
    data: {
      money: formatPlain(q.principal),
      time: String(q.term),
      serviceFee: formatPlain(q.fee),
      received: formatPlain(q.received),
      repay_interest: formatPlain(q.repayInterest),
      repay_money: formatPlain(q.amountDue),
      nextRepayDay: formatDay(q.dueDay),
      display: {
        money: f.money(q.principal),
        fee: f.money(q.fee),
        received: f.money(q.received),
        repayInterest: f.money(q.repayInterest),
        amountDue: f.money(q.amountDue),
        dueDay: f.day(isoDay(q.dueDay)),
      },
    },
    message: 'messages.successfully',
    redirect: `/Repay/index.shtml?money=${encodeURIComponent(formatPlain(principal))}&time=${term}`,
  });
}
