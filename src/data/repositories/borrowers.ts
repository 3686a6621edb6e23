import { type Executor, firstRow, insertReturningId } from '../db.ts';

/** The borrower behind every signed-in request. (Exported for the query-plan test.) */
export const BORROWER_BY_ID = 'select * from borrowers where id = ?';

export interface BorrowerRow {
  id: number;
  phone: string;
  password_hash: string;
  quota: number;
  on_time_repayments: number;
  created_at: number;
  updated_at: number;
}

export function findBorrowerById(db: Executor, id: number): Promise<BorrowerRow | undefined> {
  return firstRow(db, BORROWER_BY_ID, [id]);
}

export function findBorrowerByPhone(db: Executor, phone: string): Promise<BorrowerRow | undefined> {
  return db<BorrowerRow>('borrowers').where({ phone }).first();
}

export function insertBorrower(db: Executor, row: Omit<BorrowerRow, 'id' | 'on_time_repayments'>): Promise<number> {
  return insertReturningId(db, 'borrowers', row);
}

export async function countBorrowers(db: Executor): Promise<number> {
  const row = await db('borrowers').count<{ n: number | string }[]>({ n: '*' }).first();
  return Number(row?.n ?? 0);
}

/** Records an on-time repayment and the quota it earned. */
export async function rewardOnTimeRepayment(db: Executor, id: number, quota: number, at: number): Promise<void> {
  await db('borrowers')
    .where({ id })
    .update({ quota, updated_at: at, on_time_repayments: db.raw('on_time_repayments + 1') });
}

/** Replaces a borrower's password hash. */
export async function updateBorrowerPassword(db: Executor, id: number, passwordHash: string, at: number): Promise<void> {
  await db('borrowers').where({ id }).update({ password_hash: passwordHash, updated_at: at });
}
