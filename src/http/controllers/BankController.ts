// Bank accounts the loan is paid into: list (masked), add (checked), choose the default.
import type { Context } from 'koa';
import { z } from 'zod';
import { marketProfile } from '../../domain/markets/index.ts';
import { entries } from '../../data/dictionaries.ts';
import { presentAccount } from '../../presenters/identity.ts';
import { addBankAccount, bankAccountsOf, setDefaultAccount } from '../../services/bank-accounts.ts';
import { respond } from '../respond.ts';
import { input, rowId, validate } from '../validate.ts';

const addSchema = z.object({
  account: z.string({ error: 'errors.account_invalid' }).trim().min(1, 'errors.account_invalid').max(40, 'errors.account_invalid'),
  // The account's second part where the market has one: India's IFSC (krazyrupee's `ifscCode`), Nigeria's bank code (credit pocket's `bankNo`).
  ifsc: z.string({ error: 'errors.ifsc_invalid' }).trim().max(20, 'errors.ifsc_invalid').optional(),
  bank: z.string({ error: 'errors.bank_unknown' }).trim().max(10, 'errors.bank_unknown').optional(),
});
const idSchema = z.object({ id: rowId('errors.invalid_input') });

/** The accounts page's model (also for the add form re-rendered with an error). */
export async function listModel(ctx: Context) {
  const { db, config } = ctx.deps;
  const accounts = await bankAccountsOf(db, ctx.state.borrower!.id);
  const rule = marketProfile(config.market).account;
  return {
    list: accounts.map((a) => presentAccount(a, config.market, ctx.state.lang, ctx.state.t)),
    accountKind: rule.kind,
    maxLength: rule.maxLength,
    inputMode: rule.inputMode,
    part: rule.part ?? null,
    banks: rule.part?.kind === 'bank' ? entries(config.market, ctx.state.lang, 'BANK') : [],
  };
}

/** GET /Bank/index, /Bank/info (auth): the borrower's accounts, only the last four digits shown, and the add form. */
export async function index(ctx: Context): Promise<void> {
  const model = await listModel(ctx);
  respond(ctx, { view: 'bank/index.njk', data: { list: model.list }, message: 'messages.successfully', page: () => ({ ...model, values: {} }) });
}

/** The add form's fields under any of the names the lenders' apps use (the form is re-rendered with them on an error). */
export function sentAccount(raw: Record<string, unknown>) {
  return { account: raw.account, ifsc: raw.ifsc ?? raw.ifscCode, bank: raw.bank ?? raw.bankNo ?? raw.bank_code };
}

/** POST /Bank/add (auth): `account` (Mexico: the CLABE); the holder's name is checked with the bank. */
export async function add(ctx: Context): Promise<void> {
  const raw = input(ctx);
  const sent = sentAccount(raw);
  const { account, ifsc, bank } = validate(addSchema, { account: raw.account ?? raw.bankAccount, ifsc: sent.ifsc, bank: sent.bank });
  const { db, clock, config } = ctx.deps;
  const row = await addBankAccount(db, clock, config, ctx.identityChecks, ctx.state.borrower!.id, { number: account, part: ifsc ?? bank });
  const flash = row.status === 'verified' ? 'identity.account_verified' : row.status === 'pending' ? 'identity.account_pending' : 'identity.account_rejected';
  respond(ctx, { message: 'messages.successful', data: presentAccount(row, config.market, ctx.state.lang, ctx.state.t), redirect: '/Bank/index', flash });
}

/** The payout page picks an account in place; the borrower comes back to it (one fixed page, never a free URL). */
export const backPage = (fields: Record<string, unknown>): string => (fields.back === 'payout' ? '/Loan/payout' : '/Bank/index');

/** POST /Bank/default (auth): `id` of one of the borrower's verified accounts. */
export async function makeDefault(ctx: Context): Promise<void> {
  const back = backPage(input(ctx));
  const { id } = validate(idSchema, input(ctx));
  await setDefaultAccount(ctx.deps.db, ctx.state.borrower!.id, id);
  respond(ctx, { message: 'messages.successful', redirect: back, flash: 'identity.default_saved' });
}
