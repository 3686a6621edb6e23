import type { Context } from 'koa';
import { formatPlain } from '../../domain/money.ts';
import { formatters } from '../../presenters/format.ts';
import { z } from 'zod';
import { presentBillForPage, presentQuoteJson } from '../../presenters/loans.ts';
import { keyFactsJson, presentKeyFacts } from '../../presenters/protection.ts';
import { ownLoan } from '../../services/loan-reads.ts';
import { applyForLoan, priceLoan } from '../../services/loans.ts';
import { ownScope } from '../actor.ts';
import { respond } from '../respond.ts';
import { input, loanRequestSchema, oidField, validate } from '../validate.ts';
import { confirmModel } from '../../presenters/home.ts';

/** GET/POST /Loan/reLoan (auth): applies for a loan; the page goes on to the confirmation. */
export async function reLoan(ctx: Context): Promise<void> {
  const raw = input(ctx);
  const { config, db, clock } = ctx.deps;
  const borrower = ctx.state.borrower!;
  const request = validate(loanRequestSchema, raw);
  await applyForLoan(db, clock, config, borrower, { principal: request.money, term: request.time });
  respond(ctx, { message: 'messages.successful', redirect: '/Loan/confirm' });
}

/**
 * GET /Loan/confirm (auth): the key facts statement of the loan awaiting
 * confirmation, the acknowledgement box and the button that confirms it.
 */
export async function confirmPage(ctx: Context): Promise<void> {
  const model = await confirmModel(ctx);
  if (!model) return ctx.redirect('/Repay/index.shtml');
  respond(ctx, { view: 'loan/confirm.njk', data: { ...model, keyFacts: keyFactsJson(model.keyFacts) }, page: () => model });
}

/** GET /Loan/keyFacts?oid= (auth): the key facts statement of one of the borrower's own loans, as acknowledged. */
export async function keyFacts(ctx: Context): Promise<void> {
  const { config, db, clock } = ctx.deps;
  const { oid } = validate(z.object({ oid: oidField }), input(ctx));
  const current = await ownLoan(db, clock, config, ownScope(ctx, 'read', 'loan'), oid);
  const facts = presentKeyFacts(config, current.loan, current.dueDay);
  respond(ctx, { view: 'loan/key-facts.njk', data: keyFactsJson(facts), message: 'messages.successfully', page: () => ({ keyFacts: facts }) });
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
