import type { Context } from 'koa';
import { formatPlain } from '../../domain/money.ts';
import { formatters } from '../../presenters/format.ts';
import { z } from 'zod';
import { presentBillForPage, presentQuoteJson } from '../../presenters/loans.ts';
import { keyFactsJson, presentKeyFacts } from '../../presenters/protection.ts';
import { ownLoan } from '../../services/loan-reads.ts';
import { applyForLoan, priceLoan } from '../../services/loans.ts';
import { chooseProduct, productsOffered } from '../../services/products.ts';
import { presentProductForPage, presentProductJson } from '../../presenters/products.ts';
import { ownScope } from '../actor.ts';
import { respond } from '../respond.ts';
import { input, loanRequestSchema, oidField, validate } from '../validate.ts';
import { confirmModel, keyFactsWithProduct } from '../../presenters/home.ts';

/** GET/POST /Loan/reLoan (auth): applies for a loan; the page goes on to the confirmation. */
export async function reLoan(ctx: Context): Promise<void> {
  const raw = input(ctx);
  const { config, db, clock } = ctx.deps;
  const borrower = ctx.state.borrower!;
  const request = validate(loanRequestSchema, raw);
  await applyForLoan(db, clock, config, borrower, { principal: request.money, term: request.time, productId: request.product_id });
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
  const facts = await keyFactsWithProduct(ctx, current.loan, current.dueDay);
  respond(ctx, { view: 'loan/key-facts.njk', data: keyFactsJson(facts), message: 'messages.successfully', page: () => ({ keyFacts: facts }) });
}

/** GET /Loan/quote (auth): the live quote the apply form shows while the borrower types, for the chosen product (`product_id`). */
export async function quote(ctx: Context): Promise<void> {
  const { config, clock, db } = ctx.deps;
  const request = validate(loanRequestSchema, ctx.query);
  const borrower = ctx.state.borrower!;
  const product = await chooseProduct(db, clock, config, borrower.id, request.product_id);
  const q = priceLoan(config, clock, borrower, { principal: request.money, term: request.time }, product);
  // product_id is added only when the request named one: the answer without it is the one the app knows.
  const named = request.product_id === undefined ? {} : { product_id: String(product.productId), product_version: product.version };
  const chosen = request.product_id === undefined ? '' : `&product_id=${product.productId}`;
  respond(ctx, {
    data: { ...presentQuoteJson(q, formatters(ctx.state.lang, config)), ...named },
    message: 'messages.successfully',
    redirect: `/Repay/index.shtml?money=${encodeURIComponent(formatPlain(q.principal))}&time=${q.term}${chosen}`,
  });
}

/** GET /Loan/products (auth): the products offered to the borrower now (open and eligible), as a list and a page. */
export async function products(ctx: Context): Promise<void> {
  const { config, clock, db } = ctx.deps;
  const offered = await productsOffered(db, clock, config, ctx.state.borrower!.id);
  respond(ctx, {
    view: 'loan/products.njk',
    data: { products: offered.map((p) => presentProductJson(p, ctx.state.lang)) },
    message: 'messages.successfully',
    page: () => ({ pageProducts: offered.map((p) => presentProductForPage(p, ctx.state.lang)) }),
  });
}

/** GET /Loan/product?product_id= (auth): one product's detail; a closed or ineligible one is refused with the reason. */
export async function product(ctx: Context): Promise<void> {
  const { config, clock, db } = ctx.deps;
  const { product_id } = validate(z.object({ product_id: loanRequestSchema.shape.product_id.refine((v) => v !== undefined, 'errors.product_unknown') }), input(ctx));
  const p = await chooseProduct(db, clock, config, ctx.state.borrower!.id, product_id);
  respond(ctx, {
    view: 'loan/products.njk',
    data: presentProductJson(p, ctx.state.lang),
    message: 'messages.successfully',
    page: () => ({ pageProducts: [presentProductForPage(p, ctx.state.lang)] }),
  });
}
