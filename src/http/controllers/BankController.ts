// Bank accounts the loan is paid into: list (masked), add (checked), choose the default.
import type { Context } from 'koa';
import { z } from 'zod';
import { marketProfile } from '../../domain/markets/index.ts';
import { entries } from '../../data/dictionaries.ts';
import { presentAccount } from '../../presenters/identity.ts';
import { addBankAccount, bankAccountsOf, setDefaultAccount } from '../../services/bank-accounts.ts';
import { respond } from '../respond.ts';
import { input, validate } from '../validate.ts';

const addSchema = z.object({
  account: z.string({ error: 'errors.account_invalid' }).trim().min(1, 'errors.account_invalid').max(40, 'errors.account_invalid'),
  // The account's second part where the market has one: India's IFSC (krazyrupee's `ifscCode`), Nigeria's bank code (credit pocket's `bankNo`).
  ifsc: z.string({ error: 'errors.ifsc_invalid' }).trim().max(20, 'errors.ifsc_invalid').optional(),
  bank: z.string({ error: 'errors.bank_unknown' }).trim().max(10, 'errors.bank_unknown').optional(),
});
const idSchema = z.object({ id: z.coerce.number({ error: 'errors.invalid_input' }).int().positive('errors.invalid_input') });

async function listModel(ctx: Context) {
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

/** POST /Bank/add (auth): `account` (Mexico: the CLABE); the holder's name is checked with the bank. */
export async function add(ctx: Context): Promise<void> {
  const raw = input(ctx);
  const ifscRaw = raw.ifsc ?? raw.ifscCode;
  const bankRaw = raw.bank ?? raw.bankNo ?? raw.bank_code;
  ctx.state.form = { view: 'bank/index.njk', page: '/Bank/index', values: { account: raw.account, ifsc: ifscRaw, bank: bankRaw }, data: async () => listModel(ctx) };
  const { account, ifsc, bank } = validate(addSchema, { account: raw.account ?? raw.bankAccount, ifsc: ifscRaw, bank: bankRaw });
  const { db, clock, config } = ctx.deps;
  const row = await addBankAccount(db, clock, config, ctx.identityChecks, ctx.state.borrower!.id, { number: account, part: ifsc ?? bank });
  const flash = row.status === 'verified' ? 'identity.account_verified' : row.status === 'pending' ? 'identity.account_pending' : 'identity.account_rejected';
  respond(ctx, { message: 'messages.successful', data: presentAccount(row, config.market, ctx.state.lang, ctx.state.t), redirect: '/Bank/index', flash });
}

/** POST /Bank/default (auth): `id` of one of the borrower's verified accounts. */
export async function makeDefault(ctx: Context): Promise<void> {
  ctx.state.flashBack = { redirect: '/Bank/index' };
  const { id } = validate(idSchema, input(ctx));
  await setDefaultAccount(ctx.deps.db, ctx.state.borrower!.id, id);
  respond(ctx, { message: 'messages.successful', redirect: '/Bank/index', flash: 'identity.default_saved' });
}
