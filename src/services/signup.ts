import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Db } from '../data/db.ts';
import { isUniqueViolation } from '../data/db.ts';
import { type BorrowerRow, findBorrowerByPhone, insertBorrower, updateBorrowerPassword } from '../data/repositories/borrowers.ts';
import { insertAcceptance } from '../data/repositories/document-acceptances.ts';
import { deleteBorrowerSessions } from '../data/repositories/sessions.ts';
import { AppError, invalidInput } from '../errors.ts';
import type { I18n, Language } from '../i18n.ts';
import { signInBorrower } from './auth.ts';
import { currentVersions, LEGAL_DOCUMENTS } from './legal.ts';
import { type CodePurpose, CODE_TTL_MS, type IssuedCode, requestCode, useVerifiedCode } from './otp.ts';
import { passwordProblem } from './password-policy.ts';
import { hashPassword } from './passwords.ts';
import type { SmsSender } from './sms/sender.ts';

export interface AccountDeps {
  db: Db;
  clock: Clock;
  config: Readonly<Config>;
  i18n: I18n;
}

/** The one answer for a code that cannot be used, whatever the reason (no enumeration). */
const codeUnusable = () => invalidInput({ code: 'errors.code_expired' });

/**
 * The text for a code request. A phone that has an account is told so instead
 * of getting a sign-up code, and a reset for a phone without one says there is
 * none: the person asking sees the same answer either way, only the phone's
 * owner learns which.
 */
function codeMessage(t: ReturnType<I18n['t']>, lender: string, purpose: CodePurpose, exists: boolean, code: string): string {
  const minutes = CODE_TTL_MS / 60_000;
  if (purpose === 'register' && exists) return t('signup.sms_exists', { lender });
  if (purpose === 'reset' && !exists) return t('signup.sms_no_account', { lender });
  return t(`signup.sms_${purpose}`, { lender, code, minutes });
}

/** Sends a code for sign-up, reset, e-signature or sign-in to a phone, in the borrower's language. */
export async function sendAccountCode(
  deps: AccountDeps,
  sms: SmsSender,
  request: { phone: string; purpose: CodePurpose; address: string; lang: Language },
): Promise<IssuedCode> {
  const exists = Boolean(await findBorrowerByPhone(deps.db, request.phone));
  const t = deps.i18n.t(request.lang);
  return requestCode(deps.db, deps.clock, deps.config, sms, {
    phone: request.phone,
    purpose: request.purpose,
    address: request.address,
    text: (code) => codeMessage(t, deps.config.protection.lender, request.purpose, exists, code),
  });
}

/** Refuses a new password that is too short, too common, or not confirmed (422 on the field). */
export function checkNewPassword(password: string, confirmation: string, phone: string): void {
  const problem = passwordProblem(password, { phone });
  if (problem) throw invalidInput({ password: problem });
  if (password !== confirmation) throw invalidInput({ password_confirm: 'errors.password_mismatch' });
}

/**
 * Opens an account with a verified sign-up code: the code is used once, the
 * borrower gets the default quota, and the current terms and privacy versions
 * are stored as accepted. Answers the new borrower's id.
 */
export async function openAccount(
  deps: AccountDeps,
  input: { phone: string; codeId: number; password: string; confirmation: string; lang: Language; address: string },
): Promise<number> {
  checkNewPassword(input.password, input.confirmation, input.phone);
  const passwordHash = await hashPassword(input.password);
  const versions = currentVersions();
  try {
    return await deps.db.transaction(async (trx) => {
      await useVerifiedCode(trx, deps.clock, input.codeId);
      // Only the phone's owner gets this far (the code proved it), so saying so enumerates nothing.
      if (await findBorrowerByPhone(trx, input.phone)) throw new AppError(409, 'account_exists', 'errors.account_exists');
      const now = deps.clock.now().getTime();
      const id = await insertBorrower(trx, {
        phone: input.phone,
        password_hash: passwordHash,
        quota: deps.config.product.quota,
        created_at: now,
        updated_at: now,
      });
      for (const document of LEGAL_DOCUMENTS) {
        await insertAcceptance(trx, {
          borrower_id: id,
          document,
          version: versions[document],
          lang: input.lang,
          address: input.address.slice(0, 64),
          accepted_at: now,
        });
      }
      return id;
    });
  } catch (err) {
    // Two sign-ups for one phone at once (say, from the command line): the second loses.
    if (isUniqueViolation(err)) throw new AppError(409, 'account_exists', 'errors.account_exists');
    throw err;
  }
}

/**
 * Sets a new password with a verified reset code and ends every session of
 * that borrower. A phone without an account answers as an unusable code.
 */
export async function resetPassword(
  deps: AccountDeps,
  input: { phone: string; codeId: number; password: string; confirmation: string },
): Promise<BorrowerRow> {
  checkNewPassword(input.password, input.confirmation, input.phone);
  const passwordHash = await hashPassword(input.password);
  return deps.db.transaction(async (trx) => {
    await useVerifiedCode(trx, deps.clock, input.codeId);
    const borrower = await findBorrowerByPhone(trx, input.phone);
    if (!borrower) throw codeUnusable();
    await updateBorrowerPassword(trx, borrower.id, passwordHash, deps.clock.now().getTime());
    await deleteBorrowerSessions(trx, borrower.id);
    return borrower;
  });
}

/**
 * A signed-in borrower's new password: the current one is checked like a
 * sign-in (same lockout), then every session of the borrower ends; the
 * caller starts a fresh one for this device.
 */
export async function changePassword(
  deps: AccountDeps,
  borrower: BorrowerRow,
  input: { current: string; password: string; confirmation: string; address: string },
): Promise<void> {
  try {
    await signInBorrower(deps.db, deps.clock, deps.config.login, { username: borrower.phone, password: input.current, address: input.address });
  } catch (err) {
    if (err instanceof AppError && err.code === 'invalid_credentials') throw invalidInput({ old_password: 'errors.current_password_wrong' });
    throw err;
  }
  checkNewPassword(input.password, input.confirmation, borrower.phone);
  if (input.password === input.current) throw invalidInput({ password: 'errors.password_unchanged' });
  const passwordHash = await hashPassword(input.password);
  await deps.db.transaction(async (trx) => {
    await updateBorrowerPassword(trx, borrower.id, passwordHash, deps.clock.now().getTime());
    await deleteBorrowerSessions(trx, borrower.id);
  });
}
