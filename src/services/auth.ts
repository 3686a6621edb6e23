import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Db } from '../data/db.ts';
import { type BorrowerRow, findBorrowerByPhone } from '../data/repositories/borrowers.ts';
import { findStaffByEmail, type StaffRow } from '../data/repositories/staff.ts';
import {
  clearLoginFailures,
  loginFailureTimes,
  recordLoginFailure,
} from '../data/repositories/login-failures.ts';
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
 * work; failures are counted per key and per address in the database, and
 * past the limits every try answers 429.
 */
async function checkPassword<T extends { password_hash: string }>(
  db: Db,
  clock: Clock,
  limits: Config['login'],
  attempt: { key: string; password: string; address: string },
  find: () => Promise<T | undefined>,
): Promise<T> {
  const now = clock.now().getTime();
  const since = now - limits.windowMs;
  const [byKey, byAddress] = await Promise.all([
    loginFailureTimes(db, 'phone', attempt.key, since),
    loginFailureTimes(db, 'address', attempt.address, since),
  ]);
  const wait = Math.max(
    lockedForSeconds(byKey, limits.maxPerPhone, limits.windowMs, now),
    lockedForSeconds(byAddress, limits.maxPerAddress, limits.windowMs, now),
  );
  if (wait > 0) throw tooManyAttempts(wait);

  const account = await find();
  const ok = await verifyPassword(attempt.password, account?.password_hash ?? (await dummyPasswordHash()));
  if (!account || !ok) {
    await recordLoginFailure(db, attempt.key, attempt.address, now);
    throw invalidCredentials();
  }
  await clearLoginFailures(db, attempt.key);
  return account;
}

/** A borrower's phone and password. */
export function signInBorrower(db: Db, clock: Clock, limits: Config['login'], attempt: SignInAttempt): Promise<BorrowerRow> {
  const key = normalizePhone(attempt.username) ?? attempt.username.trim().slice(0, 64);
  return checkPassword(db, clock, limits, { key, password: attempt.password, address: attempt.address }, () =>
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
  return checkPassword(db, clock, limits, { key: `staff:${email}`.slice(0, 64), password: attempt.password, address: attempt.address }, () =>
    findStaffByEmail(db, email),
  );
}
