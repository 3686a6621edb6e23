import type { Context } from 'koa';
import { presentBorrowerLoans, presentVisitorLoans } from '../../presenters/product.ts';
import { respond } from '../respond.ts';

/**
 * GET /Repay/loans and the home page /Repay/index.shtml. Visitors get the
 * default product (status -100); a signed-in borrower gets their own quota.
 */
export function loans(ctx: Context): void {
  const { borrower } = ctx.state;
  const product = ctx.deps.config.product;
  respond(ctx, {
    view: 'repay/index.njk',
    data: borrower ? presentBorrowerLoans(product, borrower) : presentVisitorLoans(product),
    message: borrower ? 'messages.successfully' : 'messages.visitor_quota',
  });
}

/** GET/POST /Repay/orders (auth): the borrower's loans, newest first. */
export function orders(ctx: Context): void {
  respond(ctx, { view: 'repay/orders.njk', data: { orders: [] }, message: 'messages.successfully' });
}
