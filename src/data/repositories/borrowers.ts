import type { Executor } from '../db.ts';

export interface BorrowerRow {
  id: number;
  phone: string;
  password_hash: string;
  quota: number;
  created_at: number;
  updated_at: number;
}

export function findBorrowerById(db: Executor, id: number): Promise<BorrowerRow | undefined> {
  return db<BorrowerRow>('borrowers').where({ id }).first();
}

export function findBorrowerByPhone(db: Executor, phone: string): Promise<BorrowerRow | undefined> {
  return db<BorrowerRow>('borrowers').where({ phone }).first();
}

export async function insertBorrower(db: Executor, row: Omit<BorrowerRow, 'id'>): Promise<number> {
  const [inserted] = await db('borrowers').insert(row).returning('id');
  return typeof inserted === 'object' ? inserted.id : inserted;
}

export async function countBorrowers(db: Executor): Promise<number> {
  const row = await db('borrowers').count<{ n: number | string }[]>({ n: '*' }).first();
  return Number(row?.n ?? 0);
}
