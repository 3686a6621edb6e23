import type { Db } from '../../src/data/db.ts';
import { insertBorrower } from '../../src/data/repositories/borrowers.ts';
import { insertStaff } from '../../src/data/repositories/staff.ts';
import { hashPassword } from '../../src/services/passwords.ts';

const hashes = new Map<string, Promise<string>>();
let sequence = 0;

/** A borrower in the database; the password hash is computed once per password per test file. */
export async function makeBorrower(db: Db, fields: { phone?: string; password?: string; quota?: number } = {}) {
  const password = fields.password ?? 'secret-123';
  if (!hashes.has(password)) hashes.set(password, hashPassword(password));
  const phone = fields.phone ?? `55${String(process.pid % 10000).padStart(4, '0')}${String(++sequence).padStart(4, '0')}`;
  const now = Date.now();
  const id = await insertBorrower(db, {
    phone,
    password_hash: await hashes.get(password)!,
    quota: fields.quota ?? 500_000,
    created_at: now,
    updated_at: now,
  });
  return { id, phone, password };
}

/** A staff account in the database (password hashed once per password). */
export async function makeStaff(db: Db, role: 'support' | 'admin' = 'support', password = 'staff-password-1') {
  if (!hashes.has(password)) hashes.set(password, hashPassword(password));
  const email = `staff${++sequence}-${process.pid}@cuota.test`;
  const id = await insertStaff(db, { email, password_hash: await hashes.get(password)!, role, created_at: Date.now() });
  return { id, email, password, role };
}
