import type { Context } from 'koa';
import { z } from 'zod';
import { marketProfile } from '../../domain/markets/index.ts';
import { normalizePhone } from '../../domain/phone.ts';
import { invalidInput } from '../../errors.ts';
import { presentProfile } from '../../presenters/account.ts';
import { profileOf } from '../../services/account-reads.ts';
import { currentVersions } from '../../services/legal.ts';
import { CODE_TTL_MS, type CodePurpose, RESEND_GAP_MS, verifyCode as checkCode } from '../../services/otp.ts';
import { changePassword as setNewPassword, openAccount, resetPassword as setResetPassword, sendAccountCode } from '../../services/signup.ts';
import { startBorrowerSession } from '../middleware/session.ts';
import { renderPage, respond } from '../respond.ts';
import { input, validate } from '../validate.ts';

const HOME = '/Repay/index.shtml';
type Flow = 'register' | 'reset';
const FLOW_PAGES: Record<Flow, string> = { register: '/Index/register', reset: '/Index/forgot' };

const phoneField = z
  .string({ error: 'errors.phone_required' })
  .trim()
  .min(1, 'errors.phone_required')
  .max(32, 'errors.phone_invalid')
  .transform((v, ctx) => {
    const phone = normalizePhone(v);
    if (!phone) {
      ctx.addIssue({ code: 'custom', message: 'errors.phone_invalid' });
      return z.NEVER;
    }
    return phone;
  });
const flowField = z.enum(['register', 'reset'], { error: 'errors.invalid_input' });
const codeField = z.string({ error: 'errors.code_required' }).trim().regex(/^\d{6}$/, 'errors.code_format');
const newPassword = z.string({ error: 'errors.password_required' }).min(1, 'errors.password_required').max(128, 'errors.password_too_long');
const confirmation = z.string({ error: 'errors.password_confirm_required' }).max(128, 'errors.password_too_long');

const sendSchema = z.object({ phone: phoneField, purpose: flowField.default('register') });
const verifySchema = z.object({ phone: phoneField.optional(), purpose: flowField.default('register'), code: codeField });
const completeSchema = z.object({
  phone: phoneField.optional(),
  code: codeField.optional(),
  password: newPassword,
  password_confirm: confirmation,
});
const registerSchema = completeSchema.extend({
  accept: z.enum(['1', 'on', 'true', 'yes'], { error: 'errors.accept_required' }),
});
const changeSchema = z.object({
  old_password: z.string({ error: 'errors.password_required' }).min(1, 'errors.password_required').max(128, 'errors.password_too_long'),
  password: newPassword,
  password_confirm: confirmation,
});

/** Where a sign-up or reset stands in this session: ask the phone, the code, or the new password. */
function flowModel(ctx: Context, flow: Flow) {
  const otp = ctx.session?.otp;
  const mine = otp?.purpose === flow ? otp : undefined;
  return {
    flow,
    step: !mine ? 'phone' : mine.codeId ? 'password' : 'code',
    phone: mine?.phone ?? '',
    versions: currentVersions(),
    minutes: CODE_TTL_MS / 60_000,
  };
}

function flowPage(ctx: Context, flow: Flow): void {
  if (ctx.query.restart === '1' && ctx.session) delete ctx.session.otp;
  renderPage(ctx, 'index/account.njk', { ...flowModel(ctx, flow), values: {} });
}

function formFor(ctx: Context, flow: Flow, values: Record<string, unknown>): void {
  ctx.state.form = { view: 'index/account.njk', page: FLOW_PAGES[flow], values, data: async () => flowModel(ctx, flow) };
}

/** GET /Index/register: open an account (phone, code, password and the terms). */
export function registerPage(ctx: Context): void {
  if (ctx.state.borrower) return ctx.redirect(HOME);
  flowPage(ctx, 'register');
}

/** GET /Index/forgot: a new password for a forgotten one (phone, code, new password). */
export function forgotPage(ctx: Context): void {
  flowPage(ctx, 'reset');
}

/**
 * POST /Index/sendCode: `phone`, `purpose` (register or reset). Answers the
 * same whether or not the phone has an account; only the text message differs.
 */
export async function sendCode(ctx: Context): Promise<void> {
  const raw = input(ctx);
  const flow: Flow = raw.purpose === 'reset' ? 'reset' : 'register';
  formFor(ctx, flow, { phone: raw.phone });
  const fields = validate(sendSchema, raw);
  fields.phone = marketPhone(ctx, fields.phone);
  const issued = await sendAccountCode(ctx.deps, ctx.sms, { phone: fields.phone, purpose: fields.purpose, address: ctx.ip, lang: ctx.state.lang });
  ctx.deps.logger.info({ event: 'code_requested', purpose: fields.purpose, codeId: issued.id, address: ctx.ip }, 'one-time code requested');
  if (ctx.session) ctx.session.otp = { purpose: fields.purpose, phone: fields.phone };
  respond(ctx, {
    message: 'signup.code_sent',
    data: { expires_in: CODE_TTL_MS / 1000, resend_in: RESEND_GAP_MS / 1000 },
    redirect: FLOW_PAGES[fields.purpose],
    flash: 'signup.code_sent',
  });
}

/** A phone as the market's rule stores it (India: 10 digits from 6; Nigeria: 0 and 10 digits); a 422 otherwise. */
function marketPhone(ctx: Context, phone: string): string {
  const stored = marketProfile(ctx.deps.config.market).phone.normalize(phone);
  if (!stored) throw invalidInput({ phone: 'errors.phone_invalid' });
  return stored;
}

/** The phone of this request: the one sent, else the one this session's flow sent a code to. */
function flowPhone(ctx: Context, flow: Flow, sent: string | undefined): string {
  const phone = (sent === undefined ? undefined : marketPhone(ctx, sent)) ?? (ctx.session?.otp?.purpose === flow ? ctx.session.otp.phone : undefined);
  if (!phone) throw invalidInput({ phone: 'errors.phone_required' });
  return phone;
}

/** POST /Index/verifyCode: `code` (and `phone`, `purpose` for the app); a right code moves to the password step. */
export async function verifyCode(ctx: Context): Promise<void> {
  const raw = input(ctx);
  const flow: Flow = raw.purpose === 'reset' ? 'reset' : 'register';
  formFor(ctx, flow, {});
  const fields = validate(verifySchema, raw);
  const phone = flowPhone(ctx, fields.purpose, fields.phone);
  const codeId = await checkCode(ctx.deps.db, ctx.deps.clock, ctx.deps.config, { phone, purpose: fields.purpose, code: fields.code });
  if (ctx.session) ctx.session.otp = { purpose: fields.purpose, phone, codeId };
  respond(ctx, { message: 'signup.code_verified', data: { verified: true }, redirect: FLOW_PAGES[fields.purpose] });
}

/** A verified code for this flow: from the session's earlier step, or checked now from `code` (the app's one call). */
async function verifiedCodeId(ctx: Context, flow: Flow, phone: string, code: string | undefined): Promise<number> {
  const otp = ctx.session?.otp;
  if (otp?.purpose === flow && otp.phone === phone && otp.codeId) return otp.codeId;
  if (!code) throw invalidInput({ code: 'errors.code_required' });
  return checkCode(ctx.deps.db, ctx.deps.clock, ctx.deps.config, { phone, purpose: flow as CodePurpose, code });
}

/** POST /Index/ajaxRegister: password, confirmation and the terms accepted; the new borrower is signed in. */
export async function register(ctx: Context): Promise<void> {
  const raw = input(ctx);
  formFor(ctx, 'register', {});
  const fields = validate(registerSchema, raw);
  const phone = flowPhone(ctx, 'register', fields.phone);
  const codeId = await verifiedCodeId(ctx, 'register', phone, fields.code);
  const id = await openAccount(ctx.deps, {
    phone,
    codeId,
    password: fields.password,
    confirmation: fields.password_confirm,
    lang: ctx.state.lang,
    address: ctx.ip,
  });
  ctx.deps.logger.info({ event: 'signup', borrowerId: id, address: ctx.ip }, 'borrower signed up');
  await startBorrowerSession(ctx, id);
  respond(ctx, { message: 'signup.registered', data: HOME, redirect: HOME, flash: 'signup.welcome' });
}

/** POST /Index/ajaxResetPwd: a new password with a reset code; every session of the borrower ends. */
export async function resetPassword(ctx: Context): Promise<void> {
  const raw = input(ctx);
  formFor(ctx, 'reset', {});
  const fields = validate(completeSchema, raw);
  const phone = flowPhone(ctx, 'reset', fields.phone);
  const codeId = await verifiedCodeId(ctx, 'reset', phone, fields.code);
  const borrower = await setResetPassword(ctx.deps, { phone, codeId, password: fields.password, confirmation: fields.password_confirm });
  ctx.deps.logger.info({ event: 'password_reset', borrowerId: borrower.id, address: ctx.ip }, 'password reset; every session ended');
  const session = ctx.session;
  if (session) {
    delete session.otp;
    // This device's own session (if it was signed in as the borrower) ends too, and gets a new id.
    if (session.borrowerId === borrower.id) {
      delete session.borrowerId;
      await session.regenerate();
    }
  }
  respond(ctx, { message: 'signup.password_reset', data: '/Index/login', redirect: '/Index/login', flash: 'signup.password_reset_done' });
}

/** GET /Index/profile (auth): the account, the accepted documents, and the way to change the password. */
export async function profile(ctx: Context): Promise<void> {
  const { borrower, acceptances } = await profileOf(ctx.deps.db, ctx.state.borrower!);
  const data = presentProfile(borrower, acceptances);
  respond(ctx, { message: 'messages.successfully', data, view: 'index/profile.njk' });
}

/** GET /Index/password (auth): the change-password form. */
export function passwordPage(ctx: Context): void {
  renderPage(ctx, 'index/password.njk', { values: {} });
}

/** POST /Index/ajaxChangePwd (auth): current and new password; every other session ends, this one gets a new id. */
export async function changePassword(ctx: Context): Promise<void> {
  const raw = input(ctx);
  ctx.state.form = { view: 'index/password.njk', page: '/Index/password', values: {} };
  const fields = validate(changeSchema, raw);
  const borrower = ctx.state.borrower!;
  await setNewPassword(ctx.deps, borrower, {
    current: fields.old_password,
    password: fields.password,
    confirmation: fields.password_confirm,
    address: ctx.ip,
  });
  ctx.deps.logger.info({ event: 'password_changed', borrowerId: borrower.id, address: ctx.ip }, 'password changed; other sessions ended');
  await startBorrowerSession(ctx, borrower.id);
  respond(ctx, { message: 'signup.password_changed', data: '', redirect: '/Index/profile', flash: 'signup.password_changed' });
}
