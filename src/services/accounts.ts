import { z } from 'zod';
import type { Clock } from '../clock.ts';
import { type Executor, isUniqueViolation } from '../data/db.ts';
import { findBorrowerByPhone, insertBorrower } from '../data/repositories/borrowers.ts';
import { findStaffByEmail, insertStaff, type StaffRole } from '../data/repositories/staff.ts';
import { parseMoney } from '../domain/money.ts';
import { normalizePhone } from '../domain/phone.ts';
import { hashPassword } from './passwords.ts';

/** A problem with account input, phrased for the person at the command line. */
export class AccountError extends Error {}

const password = z.string().min(6, 'password: at least 6 characters').max(128, 'password: at most 128 characters');

function check<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new AccountError(result.error.issues.map((i) => i.message).join('; '));
  return result.data;
}

/** Creates a borrower; the quota is a decimal amount ("5000.00") or minor units. */
export async function createBorrower(
  db: Executor,
  clock: Clock,
  input: { phone: string; password: string; quota: string | number },
  normalize: (text: string) => string | null = normalizePhone,
): Promise<number> {
  const phone = normalize(input.phone);
  if (!phone) throw new AccountError(normalize === normalizePhone ? 'phone: 6 to 15 digits, optionally with a leading +' : 'phone: not a mobile number of this market (MARKET)');
  check(password, input.password);
  const quota = typeof input.quota === 'number' ? input.quota : parseMoney(input.quota);
  if (quota === null || !Number.isSafeInteger(quota) || quota <= 0) {
    throw new AccountError('quota: a positive amount like 5000 or 5000.00');
  }
  const exists = () => new AccountError(`a borrower with phone ${phone} already exists`);
  if (await findBorrowerByPhone(db, phone)) throw exists();
  const password_hash = await hashPassword(input.password);
  const now = clock.now().getTime();
  return insertBorrower(db, { phone, password_hash, quota, created_at: now, updated_at: now }).catch((err: unknown) => {
    throw isUniqueViolation(err) ? exists() : err;
  });
}

/** Creates a staff account with the role `support` or `admin`. */
export async function createStaff(
  db: Executor,
  clock: Clock,
  input: { email: string; password: string; role: string },
): Promise<number> {
  const email = check(z.email('email: not a valid e-mail address').max(254), input.email.trim().toLowerCase());
  check(password.min(10, 'password: staff passwords need at least 10 characters'), input.password);
  const role = check(z.enum(['support', 'admin'], 'role: support or admin'), input.role) as StaffRole;
  const exists = () => new AccountError(`a staff account for ${email} already exists`);
  if (await findStaffByEmail(db, email)) throw exists();
  const password_hash = await hashPassword(input.password);
  // Two commands at once both pass the check above; the unique index decides, and the loser says so plainly.
  return insertStaff(db, { email, password_hash, role, created_at: clock.now().getTime() }).catch((err: unknown) => {
    throw isUniqueViolation(err) ? exists() : err;
  });
}
