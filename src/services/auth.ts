import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Db } from '../data/db.ts';
import { type BorrowerRow, findBorrowerByPhone } from '../data/repositories/borrowers.ts';
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
 * Checks a borrower's phone and password. Unknown phones and wrong passwords
 * get the same error after the same work; failures are counted per phone and
 * per address in the database, and past the limits every try answers 429.
 */
export async function signInBorrower(
  db: Db,
  clock: Clock,
  limits: Config['login'],
  attempt: SignInAttempt,
): Promise<BorrowerRow> {
  const now = clock.now().getTime();
  const since = now - limits.windowMs;
  const key = normalizePhone(attempt.username) ?? attempt.username.trim().slice(0, 64);
  const [byPhone, byAddress] = await Promise.all([
    loginFailureTimes(db, 'phone', key, since),
    loginFailureTimes(db, 'address', attempt.address, since),
  ]);
  const wait = Math.max(
    lockedForSeconds(byPhone, limits.maxPerPhone, limits.windowMs, now),
    lockedForSeconds(byAddress, limits.maxPerAddress, limits.windowMs, now),
  );
  if (wait > 0) throw tooManyAttempts(wait);

  const borrower = await findBorrowerByPhone(db, key);
  const ok = await verifyPassword(attempt.password, borrower?.password_hash ?? (await dummyPasswordHash()));
  if (!borrower || !ok) {
    await recordLoginFailure(db, key, attempt.address, now);
    throw invalidCredentials();
  }
  await clearLoginFailures(db, key);
  return borrower;
}
