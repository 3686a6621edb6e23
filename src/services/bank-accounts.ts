// Bank accounts a loan may be paid into: the market's account rule, the holder-name check, one default, sealed numbers.
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import { type Db, type Executor, isUniqueViolation } from '../data/db.ts';
import { accountsByHash, accountsOf, type BankAccountRow, findOwnAccount, insertAccount, makeDefault, updateAccountCheck } from '../data/repositories/bank-accounts.ts';
import { findIdentity } from '../data/repositories/identities.ts';
import { sameName } from '../domain/kyc.ts';
import { marketProfile } from '../domain/markets/index.ts';
import { AppError, invalidInput, notFound } from '../errors.ts';
import { lookupHash, seal, unseal } from './data-protection.ts';
import { findEntry } from '../data/dictionaries.ts';
import { isValidIfsc } from '../domain/validators/ifsc.ts';
import type { IdentityChecks } from './identity-checks/provider.ts';
import { ProviderUnavailable } from './identity-checks/provider.ts';

type BankConfig = Pick<Config, 'market' | 'dataProtection'>;

const PURPOSE = 'bank_account';

const taken = () => new AppError(409, 'account_taken', 'errors.account_taken');

/**
 * Adds an account: valid for the market (Mexico: an 18-digit CLABE with its
 * check digit), from a bank the dictionary knows, not verified for anyone
 * else. The provider names the holder; the account is verified when that is
 * the borrower, refused otherwise, pending when the bank cannot answer now.
 * The first verified account becomes the default.
 */
export async function addBankAccount(
  db: Db,
  clock: Clock,
  config: BankConfig,
  checks: IdentityChecks,
  borrowerId: number,
  input: { number: string; part?: string },
): Promise<BankAccountRow> {
  const rule = marketProfile(config.market).account;
  // India's IFSC, Nigeria's bank code: asked apart, stored in front of the number.
  const part = input.part?.trim() ?? '';
  if (rule.part && !part) throw invalidInput({ [rule.part.kind]: `errors.account_part_${rule.part.kind}` });
  if (rule.part?.kind === 'ifsc' && !isValidIfsc(part)) throw invalidInput({ ifsc: 'errors.ifsc_invalid' });
  if (rule.part?.kind === 'bank' && !findEntry(config.market, 'en', 'BANK', part)) throw invalidInput({ bank: 'errors.bank_unknown' });
  const number = rule.normalize(rule.compose(part, input.number));
  if (!rule.isValid(number)) throw invalidInput({ account: 'errors.account_invalid' });
  const bankCode = rule.bankCode(number);
  if (bankCode === null || !findEntry(config.market, 'en', 'BANK', bankCode)) throw invalidInput({ account: 'errors.bank_unknown' });
  const identity = await findIdentity(db, borrowerId);
  if (!identity?.full_name) throw new AppError(409, 'personal_first', 'errors.kyc_personal_first');
  const hash = lookupHash(config, PURPOSE, number);
  const existing = await accountsByHash(db, hash);
  if (existing.some((a) => a.borrower_id !== borrowerId && a.status === 'verified')) throw taken();
  const own = existing.find((a) => a.borrower_id === borrowerId);
  if (own && own.status !== 'pending') throw new AppError(409, 'account_exists', 'errors.account_exists');

  let holder: string | null = null;
  let status: BankAccountRow['status'];
  try {
    holder = (await checks.holderName({ bankCode, number, claimedName: identity.full_name })).name;
    status = holder && sameName(holder, identity.full_name) ? 'verified' : 'rejected';
  } catch (err) {
    if (!(err instanceof ProviderUnavailable)) throw err;
    status = 'pending';
  }
  const now = clock.now().getTime();
  const fields = {
    holder_name: holder,
    status,
    reason: status === 'rejected' ? 'holder_mismatch' : status === 'pending' ? 'bank_unavailable' : null,
    verified_hash: status === 'verified' ? hash : null,
    checked_at: status === 'pending' ? null : now,
  };
  try {
    return await db.transaction(async (trx) => {
      let id: number;
      if (own) {
        id = own.id;
        await updateAccountCheck(trx, id, fields);
      } else {
        id = await insertAccount(trx, {
          borrower_id: borrowerId,
          bank_code: bankCode,
          number_sealed: seal(config, PURPOSE, number),
          number_hash: hash,
          last4: number.slice(-4),
          is_default: false,
          created_at: now,
          ...fields,
        });
      }
      const accounts = await accountsOf(trx, borrowerId);
      if (status === 'verified' && !accounts.some((a) => a.is_default && a.status === 'verified')) await makeDefault(trx, borrowerId, id);
      return (await findOwnAccount(trx, borrowerId, id))!;
    });
  } catch (err) {
    // Two borrowers verifying the same account at once: the database lets one win.
    if (isUniqueViolation(err)) throw status === 'verified' ? taken() : new AppError(409, 'account_exists', 'errors.account_exists');
    throw err;
  }
}

/** The borrower's accounts, default first. */
export function bankAccountsOf(db: Db, borrowerId: number): Promise<BankAccountRow[]> {
  return accountsOf(db, borrowerId);
}

/** Makes one of the borrower's verified accounts the default (someone else's: 404; not verified: 409). */
export async function setDefaultAccount(db: Db, borrowerId: number, id: number): Promise<void> {
  await db.transaction(async (trx) => {
    const account = await findOwnAccount(trx, borrowerId, id);
    if (!account) throw notFound();
    if (account.status !== 'verified') throw new AppError(409, 'account_not_verified', 'errors.account_not_verified');
    await makeDefault(trx, borrowerId, id);
  });
}

/** The full account number, for the borrower's own "what we store" page and payouts. */
export function accountNumber(config: BankConfig, account: BankAccountRow): string {
  return unseal(config, PURPOSE, account.number_sealed);
}

/** Records a verified default account in one go (demo borrower, test factories). */
export async function recordVerifiedAccount(db: Executor, clock: Clock, config: BankConfig, borrowerId: number, number: string, holder: string): Promise<void> {
  const hash = lookupHash(config, PURPOSE, number);
  const now = clock.now().getTime();
  await insertAccount(db, {
    borrower_id: borrowerId,
    bank_code: marketProfile(config.market).account.bankCode(number) ?? '',
    number_sealed: seal(config, PURPOSE, number),
    number_hash: hash,
    verified_hash: hash,
    last4: number.slice(-4),
    holder_name: holder,
    status: 'verified',
    reason: null,
    is_default: true,
    created_at: now,
    checked_at: now,
  });
}
