import { MovableClock } from '../../src/clock.ts';
import { loadConfig } from '../../src/config.ts';
import type { Db } from '../../src/data/db.ts';
import { insertBorrower } from '../../src/data/repositories/borrowers.ts';
import { insertStaff } from '../../src/data/repositories/staff.ts';
import { clabeCheckDigit } from '../../src/domain/validators/clabe.ts';
import { curpCheckDigit } from '../../src/domain/validators/curp.ts';
import { recordVerifiedAccount } from '../../src/services/bank-accounts.ts';
import { recordVerifiedIdentity } from '../../src/services/identity.ts';
import { hashPassword } from '../../src/services/passwords.ts';

const hashes = new Map<string, Promise<string>>();
/**
 * The cost of the factories' password hashes: scrypt N=2^10, r=8, p=1, a millisecond,
 * where the app's own (N=2^14, p=5) takes a third of a second of CPU for every sign-in
 * of a made account (issue 22). verifyPassword reads the cost from the stored hash, so
 * sign-in runs the same code; accounts the app creates (sign-up, the account commands)
 * and the dummy hash checked for unknown accounts keep the app's cost.
 */
const FACTORY_HASH_COST = { N: 2 ** 10, r: 8, p: 1 };
const factoryHash = (password: string) => hashPassword(password, FACTORY_HASH_COST);
let sequence = 0;
// The development data keys, as every test server uses unless a test sets DATA_KEY itself.
const config = loadConfig({ NODE_ENV: 'test' });

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** A valid CURP, different for every n (born 1990-01-01 in Mexico City). */
export function curpFor(n: number): string {
  const l = (k: number) => LETTERS[k % 26]!;
  const body = `${l(n)}${'AEIOU'[Math.floor(n / 26) % 5]}${l(Math.floor(n / 130))}${l(Math.floor(n / 3380))}900101HDFRRN0`;
  return body + curpCheckDigit(body);
}

/** A valid BBVA CLABE, different for every n. */
export function clabeFor(n: number): string {
  const body = `012180${String(n).padStart(11, '0')}`;
  return body + clabeCheckDigit(body);
}

/**
 * A borrower in the database; the password hash is computed once per password
 * per test file. Verified by default (identity and a default bank account), as
 * lending requires; `verified: false` gives one who has done no step yet.
 */
export async function makeBorrower(db: Db, fields: { phone?: string; password?: string; quota?: number; verified?: boolean; name?: string } = {}) {
  const password = fields.password ?? 'secret-123';
  if (!hashes.has(password)) hashes.set(password, factoryHash(password));
  const n = ++sequence;
  const phone = fields.phone ?? `55${String(process.pid % 10000).padStart(4, '0')}${String(n).padStart(4, '0')}`;
  const now = Date.now();
  const id = await insertBorrower(db, {
    phone,
    password_hash: await hashes.get(password)!,
    quota: fields.quota ?? 500_000,
    created_at: now,
    updated_at: now,
  });
  const name = fields.name ?? `Prueba Persona ${LETTERS[n % 26]}${LETTERS[Math.floor(n / 26) % 26]}`;
  const curp = curpFor(n);
  // Ends in 5: never one of the sandbox's chosen endings (0000, 9999 for the holder check; 1111, 2222 for payouts).
  const clabe = clabeFor((n * 7919 + (process.pid % 1000)) * 10 + 5);
  if (fields.verified !== false) {
    const clock = new MovableClock(new Date(now));
    await db.transaction(async (trx) => {
      await recordVerifiedIdentity(trx, clock, config, id, {
        fullName: name,
        birthDate: '1990-01-01',
        idNumber: curp,
        state: 'DF',
        city: 'DF-04',
        employment: 'employed',
        income: '10k_20k',
      });
      await recordVerifiedAccount(trx, clock, config, id, clabe, name);
    });
  }
  return { id, phone, password, name, curp, clabe };
}

/** A staff account in the database (password hashed once per password). */
export async function makeStaff(db: Db, role: 'support' | 'admin' = 'support', password = 'staff-password-1') {
  if (!hashes.has(password)) hashes.set(password, factoryHash(password));
  const email = `staff${++sequence}-${process.pid}@cuota.test`;
  const id = await insertStaff(db, { email, password_hash: await hashes.get(password)!, role, created_at: Date.now() });
  return { id, email, password, role };
}
