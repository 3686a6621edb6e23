import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Db } from '../data/db.ts';
import { type BorrowerRow, findBorrowerByPhone } from '../data/repositories/borrowers.ts';
import { findStaffByEmail, type StaffRow } from '../data/repositories/staff.ts';
import { claimLoginAttempt, clearLoginFailures, type LoginScope, settleLoginFailure } from '../data/repositories/login-failures.ts';
import { normalizePhone } from '../domain/phone.ts';
import { invalidCredentials, tooManyAttempts } from '../errors.ts';
import { dummyPasswordHash, verifyPassword } from './passwords.ts';

export interface SignInAttempt {
  username: string;
  password: string;
  address: string;
}

/**
 * Seconds until fewer than `max` failures remain in the window, or 0 when the
 * key is not locked. `times` are the failures in the window, oldest first.
 */
export function lockedForSeconds(times: number[], max: number, windowMs: number, now: number): number {
  if (times.length < max) return 0;
  // Once this failure leaves the window, max - 1 remain.
  const unlocking = times[times.length - max]!;
  return Math.max(1, Math.ceil((unlocking + windowMs - now) / 1000));
}

/**
 * Checks a password for an account key (a phone, or `staff:<email>`).
 * Unknown accounts and wrong passwords get the same error after the same
 * work. Each attempt is recorded as a failure in the database *before* the
 * hash is checked (claimLoginAttempt), so a parallel burst is limited exactly
 * as configured: `maxPerPhone` tries for an account from one address,
 * `maxPerAccount` from all addresses together (a stranger needs that many to
 * lock its owner out everywhere), `maxPerAddress` for one address and scope.
 * An attempt being checked counts as a failure until its check ends. Past a
 * limit every try answers 429; a success forgets that address's finished failures.
 */
async function checkPassword<T extends { password_hash: string }>(
  db: Db,
  clock: Clock,
  limits: Config['login'],
  attempt: { scope: LoginScope; key: string; password: string; address: string },
  find: () => Promise<T | undefined>,
): Promise<T> {
  const now = clock.now().getTime();
  const claim = await claimLoginAttempt(
    db,
    { scope: attempt.scope, key: attempt.key, address: attempt.address, at: now, since: now - limits.windowMs },
    (counters) => {
      const wait = Math.max(
        lockedForSeconds(counters.accountAtAddress, limits.maxPerPhone, limits.windowMs, now),
        lockedForSeconds(counters.account, limits.maxPerAccount, limits.windowMs, now),
        lockedForSeconds(counters.address, limits.maxPerAddress, limits.windowMs, now),
      );
      return wait > 0 ? wait : null;
    },
  );
  if ('refused' in claim) throw tooManyAttempts(claim.refused);

  const account = await find();
  const ok = await verifyPassword(attempt.password, account?.password_hash ?? (await dummyPasswordHash()));
  // The attempt is already counted as a failure; only a success takes it back.
  if (!account || !ok) {
    await settleLoginFailure(db, claim.id);
    throw invalidCredentials();
  }
  await clearLoginFailures(db, claim.id, attempt.scope, attempt.key, attempt.address);
  return account;
}

/** A borrower's phone and password. */
export function signInBorrower(
  db: Db,
  clock: Clock,
  limits: Config['login'],
  attempt: SignInAttempt,
  normalize: (text: string) => string | null = normalizePhone,
): Promise<BorrowerRow> {
  const key = normalize(attempt.username) ?? attempt.username.trim().slice(0, 64);
  return checkPassword(db, clock, limits, { scope: 'borrower', key, password: attempt.password, address: attempt.address }, () =>
    findBorrowerByPhone(db, key),
  );
}

/** A staff member's e-mail and password, counted apart from borrowers' phones. */
export function signInStaff(
  db: Db,
  clock: Clock,
  limits: Config['login'],
  attempt: { email: string; password: string; address: string },
): Promise<StaffRow> {
  const email = attempt.email.trim().toLowerCase().slice(0, 254);
  return checkPassword(db, clock, limits, { scope: 'staff', key: `staff:${email}`.slice(0, 64), password: attempt.password, address: attempt.address }, () =>
    findStaffByEmail(db, email),
  );
}
