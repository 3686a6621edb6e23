import { type Executor, insertReturningId } from '../db.ts';

export interface SettlementRow {
  id: number;
  bill_id: number;
  borrower_id: number;
  reference: string;
  source: string;
  purpose: 'repay' | 'delay';
  amount: number;
  overdue_part: number;
  interest_part: number;
  delay_part: number;
  principal_part: number;
  excess: number;
  settled_at: number;
}

export function findSettlementByReference(db: Executor, reference: string): Promise<SettlementRow | undefined> {
  return db<SettlementRow>('settlements').where({ reference }).first();
}

export function insertSettlement(db: Executor, row: Omit<SettlementRow, 'id'>): Promise<number> {
  return insertReturningId(db, 'settlements', row);
}

export function settlementsOfBill(db: Executor, billId: number): Promise<SettlementRow[]> {
  return db<SettlementRow>('settlements').where({ bill_id: billId }).orderBy('id');
}
