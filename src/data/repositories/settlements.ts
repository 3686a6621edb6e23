import { type Executor, insertReturningId } from '../db.ts';

export interface SettlementRow {
  id: number;
  bill_id: number;
  borrower_id: number;
  reference: string;
  source: string;
  purpose: 'repay' | 'delay' | 'exit';
  amount: number;
  overdue_part: number;
  interest_part: number;
  delay_part: number;
  principal_part: number;
  excess: number;
  settled_at: number;
  /** What the bill still asked for right after this payment; null on rows older than the column. */
  left_after: number | null;
}

export function findSettlementByReference(db: Executor, reference: string): Promise<SettlementRow | undefined> {
  return db<SettlementRow>('settlements').where({ reference }).first();
}

export function insertSettlement(db: Executor, row: Omit<SettlementRow, 'id' | 'left_after'>): Promise<number> {
  return insertReturningId(db, 'settlements', row);
}

export function findSettlement(db: Executor, id: number): Promise<SettlementRow | undefined> {
  return db<SettlementRow>('settlements').where({ id }).first();
}

export async function recordLeftAfter(db: Executor, id: number, left: number): Promise<void> {
  await db('settlements').where({ id }).update({ left_after: left });
}

export function settlementsOfBill(db: Executor, billId: number): Promise<SettlementRow[]> {
  return db<SettlementRow>('settlements').where({ bill_id: billId }).orderBy('id');
}
