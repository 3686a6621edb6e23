import type { Context } from 'koa';
import { z } from 'zod';
import { presentBillForPage, presentLoanDetail, presentOrders } from '../../presenters/loans.ts';
import { presentVisitorLoans } from '../../presenters/product.ts';
import { allLoans, ownLoanDetail } from '../../services/loan-reads.ts';
import { respond } from '../respond.ts';
import { input, validate } from '../validate.ts';
import { homeModel } from './home.ts';

/**
 * GET /Repay/loans and the home page /Repay/index.shtml. Visitors get the
 * default product (status -100); a borrower gets their newest loan and bill.
 * The page also offers a quote for `money`/`time` (works without JavaScript).
 */
export async function loans(ctx: Context): Promise<void> {
  const { borrower } = ctx.state;
  if (!borrower) {
    const data = presentVisitorLoans(ctx.deps.config.product);
    respond(ctx, { view: 'repay/index.njk', data, message: 'messages.visitor_quota' });
    return;
  }
  const { data, page } = await homeModel(ctx);
  respond(ctx, { view: 'repay/index.njk', data, message: 'messages.successfully', page });
}

/** GET/POST /Repay/orders (auth): the borrower's loans, newest first. */
export async function orders(ctx: Context): Promise<void> {
  const { config, db, clock } = ctx.deps;
  const borrower = ctx.state.borrower!;
  const snapshots = await allLoans(db, clock, config, borrower.id);
  respond(ctx, {
    view: 'repay/orders.njk',
    data: presentOrders(config, borrower, snapshots),
    message: 'messages.successfully',
    page: () => ({ loans: snapshots.map((s) => presentBillForPage(config, s, clock.now())) }),
  });
}

const detailSchema = z.object({
  oid: z.string({ error: 'errors.oid_required' }).trim().min(1, 'errors.oid_required').max(40, 'errors.oid_required'),
});

/** GET/POST /Repay/loanDetail (auth): one of the borrower's own bills in full. */
export async function loanDetail(ctx: Context): Promise<void> {
  const { config, db, clock } = ctx.deps;
  const { oid } = validate(detailSchema, input(ctx));
  const { current, settlements } = await ownLoanDetail(db, clock, config, ctx.state.borrower!.id, oid);
  respond(ctx, {
    view: 'repay/detail.njk',
    data: presentLoanDetail(config, current),
    message: 'messages.successfully',
    page: () => ({ current: presentBillForPage(config, current, clock.now(), settlements) }),
  });
}
