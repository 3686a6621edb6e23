import { type Executor, insertReturningId } from '../db.ts';

export type StaffRole = 'support' | 'admin';

export interface StaffRow {
  id: number;
  email: string;
  password_hash: string;
  role: StaffRole;
  created_at: number;
}

export function findStaffById(db: Executor, id: number): Promise<StaffRow | undefined> {
  return db<StaffRow>('staff').where({ id }).first();
}

export function findStaffByEmail(db: Executor, email: string): Promise<StaffRow | undefined> {
  return db<StaffRow>('staff').where({ email }).first();
}

export function insertStaff(db: Executor, row: Omit<StaffRow, 'id'>): Promise<number> {
  return insertReturningId(db, 'staff', row);
}
