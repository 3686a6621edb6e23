// The console's loan products (issue 20): admins list, create, edit (a new
// version each time) and open or close products. Every change is audited.
import type { Context } from 'koa';
import { z } from 'zod';
import { formatPlain, parseMoney } from '../../../domain/money.ts';
import { ELIGIBILITIES, MAX_DELAYS, MAX_TERM_DAYS, type ProductTerms } from '../../../domain/products.ts';
import { formatRate, parseRatePpm } from '../../../domain/rates.ts';
import { presentProductForPage } from '../../../presenters/products.ts';
import { changeProduct, createProduct, currentProducts, productForStaff } from '../../../services/products.ts';
import { renderPage } from '../../respond.ts';
import { maskToken } from '../../tokens.ts';
import { validate } from '../../validate.ts';

const body = (ctx: Context) => (ctx.request.body ?? {}) as Record<string, unknown>;
const page = (ctx: Context, view: string, data: Record<string, unknown> = {}) =>
  renderPage(ctx, view, { ...data, staff: ctx.state.staff, staffCsrf: ctx.state.staffCsrf && maskToken(ctx.state.staffCsrf) });

const text = (key: string, max: number) => z.string({ error: key }).trim().min(1, key).max(max, key);
const money = (key: string) =>
  z.string({ error: key }).transform((v, c) => {
    const minor = parseMoney(v.trim());
    if (minor === null || !Number.isSafeInteger(minor) || minor <= 0) {
      c.addIssue({ code: 'custom', message: key });
      return z.NEVER;
    }
    return minor;
  });
const rate = (key: string) =>
  z.string({ error: key }).transform((v, c) => {
    const ppm = parseRatePpm(v);
    if (ppm === null || ppm > 1_000_000) {
      c.addIssue({ code: 'custom', message: key });
      return z.NEVER;
    }
    return ppm;
  });
const days = (key: string, max: number) => z.string({ error: key }).trim().regex(/^\d{1,3}$/, key).transform(Number).refine((n) => n <= max, key);

/** Every field of a product version, as the console's form posts it (amounts as decimals, rates per day as decimals). */
const termsSchema = z.object({
  name_en: text('errors.product_name', 60),
  name_es: text('errors.product_name', 60),
  min_amount: money('errors.product_amount'),
  max_amount: money('errors.product_amount'),
  amount_step: money('errors.product_amount'),
  terms: z
    .string({ error: 'errors.product_terms' })
    .trim()
    .regex(/^\d{1,3}(\s*,\s*\d{1,3}){0,19}$/, 'errors.product_terms')
    .transform((v) => v.split(',').map((d) => Number(d.trim()))),
  default_term: days('errors.product_default_term', MAX_TERM_DAYS),
  loan_rate: rate('errors.product_rate'),
  repay_rate: rate('errors.product_rate'),
  overdue_rate: rate('errors.product_rate'),
  overdue_cap: rate('errors.product_rate'),
  delay_max: days('errors.product_delay_max', MAX_DELAYS),
  eligibility: z.enum(ELIGIBILITIES, { error: 'errors.product_eligibility' }),
});

const createSchema = termsSchema.extend({
  code: z.string({ error: 'errors.product_code' }).trim().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'errors.product_code'),
  open: z.enum(['0', '1'], { error: 'errors.invalid_input' }).default('1'),
});

const versionField = z.string({ error: 'errors.product_changed' }).regex(/^[1-9]\d{0,8}$/, 'errors.product_changed').transform(Number);
const editSchema = termsSchema.extend({ version: versionField });
const openSchema = z.object({ version: versionField, open: z.enum(['0', '1'], { error: 'errors.invalid_input' }) });

function termsFrom(f: z.infer<typeof termsSchema>, open: boolean): ProductTerms {
  return {
    nameEn: f.name_en,
    nameEs: f.name_es,
    minAmount: f.min_amount,
    maxAmount: f.max_amount,
    amountStep: f.amount_step,
    terms: f.terms,
    defaultTerm: f.default_term,
    loanRatePpm: f.loan_rate,
    repayRatePpm: f.repay_rate,
    overdueRatePpm: f.overdue_rate,
    overdueCapPpm: f.overdue_cap,
    delayMax: f.delay_max,
    eligibility: f.eligibility,
    open,
  };
}

/** A version's figures as the form shows them. */
function formValues(v: ProductTerms) {
  return {
    name_en: v.nameEn,
    name_es: v.nameEs,
    min_amount: formatPlain(v.minAmount),
    max_amount: formatPlain(v.maxAmount),
    amount_step: formatPlain(v.amountStep),
    terms: v.terms.join(','),
    default_term: String(v.defaultTerm),
    loan_rate: formatRate(v.loanRatePpm),
    repay_rate: formatRate(v.repayRatePpm),
    overdue_rate: formatRate(v.overdueRatePpm),
    overdue_cap: formatRate(v.overdueCapPpm),
    delay_max: String(v.delayMax),
    eligibility: v.eligibility,
  };
}

const who = (ctx: Context) => ({ staffId: ctx.state.staff!.id, address: ctx.ip });

/** GET /support/products (admin): every product's current version. */
export async function list(ctx: Context): Promise<void> {
  const { db, clock, config } = ctx.deps;
  const products = await currentProducts(db, clock, config);
  page(ctx, 'support/products.njk', { products: products.map((p) => presentProductForPage(p, ctx.state.lang)) });
}

/** GET /support/products/new (admin): the form for a new product. */
export function newPage(ctx: Context): void {
  page(ctx, 'support/product.njk', { values: { eligibility: 'everyone', open: '1' }, errors: {} });
}

/** POST /support/products (admin): creates a product at version 1; a bad field re-renders the form (422) and creates nothing. */
export async function create(ctx: Context): Promise<void> {
  const f = validate(createSchema, body(ctx));
  const { db, clock, config } = ctx.deps;
  const id = await createProduct(db, clock, config, who(ctx), f.code, termsFrom(f, f.open === '1'));
  if (ctx.session) ctx.session.flash = 'product.created';
  ctx.status = 303;
  ctx.redirect(`/support/products/${id}`);
}

async function productModel(ctx: Context, id: number) {
  const { db, clock, config } = ctx.deps;
  const { current, history } = await productForStaff(db, clock, config, id);
  return { current, product: presentProductForPage(current, ctx.state.lang), history };
}

const productId = (ctx: Context) => {
  const id = Number(ctx.params.id);
  return Number.isSafeInteger(id) && id > 0 ? id : 0;
};

/** GET /support/products/<id> (admin): the current version in an edit form, and every version before it. */
export async function show(ctx: Context): Promise<void> {
  const m = await productModel(ctx, productId(ctx));
  page(ctx, 'support/product.njk', { ...m, values: { ...formValues(m.current), version: String(m.current.version) }, errors: {} });
}

const staffOf = (ctx: Context) => ({ staff: ctx.state.staff, staffCsrf: ctx.state.staffCsrf && maskToken(ctx.state.staffCsrf) });

/** What a refused new product re-renders around its form (declared in routes.ts). */
export const newFormModel = (ctx: Context) => staffOf(ctx);

/** What a refused edit re-renders around its form: the product and its history (declared in routes.ts). */
export const editFormModel = async (ctx: Context) => ({ ...(await productModel(ctx, productId(ctx))), ...staffOf(ctx) });

/** The product page a refused edit belongs to. */
export const editPage = (_fields: unknown, params: Record<string, string>) => `/support/products/${encodeURIComponent(params.id ?? '')}`;

/**
 * POST /support/products/<id> (admin): saves the form as the next version,
 * only if `version` is still the current one (else 409: someone saved first).
 */
export async function edit(ctx: Context): Promise<void> {
  const id = productId(ctx);
  const f = validate(editSchema, body(ctx));
  const { db, clock, config } = ctx.deps;
  await changeProduct(db, clock, config, who(ctx), id, f.version, (before) => termsFrom(f, before.open), 'edit_product');
  if (ctx.session) ctx.session.flash = 'product.saved';
  ctx.status = 303;
  ctx.redirect(`/support/products/${id}`);
}

/** POST /support/products/<id>/open (admin): opens (open=1) or closes (open=0) a product, as a new version. */
export async function setOpen(ctx: Context): Promise<void> {
  const id = productId(ctx);
  const f = validate(openSchema, body(ctx));
  const { db, clock, config } = ctx.deps;
  const open = f.open === '1';
  await changeProduct(db, clock, config, who(ctx), id, f.version, (before: ProductTerms) => ({ ...before, open }), open ? 'open_product' : 'close_product');
  if (ctx.session) ctx.session.flash = open ? 'product.opened' : 'product.closed_flash';
  ctx.status = 303;
  ctx.redirect(`/support/products/${id}`);
}
