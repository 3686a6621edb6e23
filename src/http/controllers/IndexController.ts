import type { Context } from 'koa';
import { z } from 'zod';
import { LANGUAGE_NAMES, LANGUAGES } from '../../i18n.ts';
import { signInBorrower } from '../../services/auth.ts';
import { confirmLoan } from '../../services/loans.ts';
import { startBorrowerSession } from '../middleware/session.ts';
import { renderPage, respond } from '../respond.ts';
import { input, loanRequestSchema, validate } from '../validate.ts';
import { marketProfile } from '../../domain/markets/index.ts';
import { badRequest } from '../../errors.ts';
import { confirmedFlash } from '../../presenters/home.ts';

const HOME = '/Repay/index.shtml';

const signInSchema = z.object({
  username: z
    .string({ error: 'errors.phone_required' })
    .trim()
    .min(1, 'errors.phone_required')
    .max(32, 'errors.phone_invalid'),
  password: z
    .string({ error: 'errors.password_required' })
    .min(1, 'errors.password_required')
    .max(128, 'errors.password_too_long'),
});

/** GET /Index/login (and /): the sign-in form; a signed-in borrower goes home. */
export function loginPage(ctx: Context): void {
  if (ctx.state.borrower) return ctx.redirect(HOME);
  renderPage(ctx, 'index/login.njk', { values: {}, signedOut: ctx.query.signedOut === '1' });
}

/** POST /Index/ajaxSignIn: phone and password; a new session id on success. */
export async function signIn(ctx: Context): Promise<void> {
  // A password in the URL ends up in proxies' logs and browser history: refused, never checked.
  if (Object.keys(ctx.query).some((k) => k.toLowerCase() === 'password')) throw badRequest('errors.credentials_in_url');
  const raw = input(ctx);
  const fields = validate(signInSchema, raw);
  const { db, clock, config } = ctx.deps;
  const borrower = await signInBorrower(db, clock, config.login, { ...fields, address: ctx.ip }, marketProfile(config.market).phone.normalize);
  await startBorrowerSession(ctx, borrower.id);
  respond(ctx, { message: 'messages.login_successful', data: HOME, redirect: HOME, flash: 'messages.signed_in' });
}

/**
 * GET/POST /Index/ajaxLogOut: ends the session everywhere (its row is deleted).
 * The login page it leads to keeps the language the borrower had chosen.
 */
export function logOut(ctx: Context): void {
  ctx.session = null;
  respond(ctx, {
    json: { status: 200, message: ctx.state.t('messages.logout_successful') },
    redirect: `/Index/login?signedOut=1&lang=${ctx.state.lang}`,
  });
}

/** GET/POST /Index/languages: the languages the portal speaks, as the spec names them. */
export function languages(ctx: Context): void {
  const json = {
    status: 200,
    languages: ctx.deps.config.languages.map((l) => LANGUAGE_NAMES[l]),
    default: LANGUAGE_NAMES[ctx.deps.config.defaultLanguage],
    target: 'web',
  };
  respond(ctx, { json, view: 'index/languages.njk', data: json });
}

/** GET/POST /Index/ajaxApply (auth): confirms the loan; automatic review decides at once. */
export async function apply(ctx: Context): Promise<void> {
  const { config, db, clock } = ctx.deps;
  const acknowledged = String(input(ctx).kfs_ack ?? '') === '1';
  // product_id is optional (the cashgox app never sends it); when sent it must be the loan's product.
  const { product_id } = validate(loanRequestSchema.pick({ product_id: true }), { product_id: input(ctx).product_id });
  const loan = await confirmLoan(db, clock, config, ctx.state.borrower!.id, acknowledged, ctx.payouts, product_id);
  respond(ctx, {
    json: { status: 200, message: ctx.state.t('messages.apply_successful') },
    redirect: '/Repay/index.shtml',
    flash: await confirmedFlash(db, loan),
  });
}

/** GET/POST /Index/contact: how to reach support (phone, WhatsApp, hours). */
export function contact(ctx: Context): void {
  const { phone, whatsapp, hours } = ctx.deps.config.support;
  respond(ctx, {
    json: { status: 200, message: ctx.state.t('messages.successful_lower'), data: { phone_number: phone, whatapp: whatsapp } },
    view: 'index/contact.njk',
    data: { phone, whatsapp, hours, tel: phone.replace(/[^+\d]/g, ''), wa: whatsapp.replace(/\D/g, '') },
  });
}
