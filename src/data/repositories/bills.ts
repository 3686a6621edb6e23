import { type Executor, firstRow, insertReturningId } from '../db.ts';

/** A loan's bill: read on every signed-in page. (Exported for the query-plan test.) */
export const BILL_OF_LOAN = 'select * from bills where loan_id = ?';

export interface BillRow {
  id: number;
  loan_id: number;
  borrower_id: number;
  principal: number;
  fee: number;
  repay_interest: number;
  start_day: number;
  due_day: number;
  delay_count: number;
  delay_days: number;
  delay_unpaid: number;
  overdue_paid: number;
  interest_paid: number;
  delay_paid: number;
  principal_paid: number;
  excess_paid: number;
  overdue_cleared: number;
  extension_paid: number;
  /** How many extensions Repay/ajaxDelay has reported to the app. */
  delays_reported: number;
  /** cancelled: the loan was returned within the cooling-off days. */
  status: 'open' | 'repaid' | 'cancelled';
  created_at: number;
  repaid_at: number | null;
  /** When the newest extension was put on the bill (DELAY_MODE=on_bill). */
  delayed_at: number | null;
  version: number;
}

export type NewBill = Pick<
  BillRow,
  'loan_id' | 'borrower_id' | 'principal' | 'fee' | 'repay_interest' | 'start_day' | 'due_day' | 'status' | 'created_at'
>;

export function insertBill(db: Executor, row: NewBill): Promise<number> {
  return insertReturningId(db, 'bills', row);
}

/** Reads a bill to change it; on PostgreSQL the row stays locked until the transaction ends. */
export function findBillForUpdate(db: Executor, id: number): Promise<BillRow | undefined> {
  const query = db<BillRow>('bills').where({ id });
  return (db.client.config.client === 'pg' ? query.forUpdate() : query).first();
}

export function findBill(db: Executor, id: number): Promise<BillRow | undefined> {
  return db<BillRow>('bills').where({ id }).first();
}

/** A borrower's bill by id; another borrower's is not found. */
export function findOwnBill(db: Executor, borrowerId: number, id: number): Promise<BillRow | undefined> {
  return db<BillRow>('bills').where({ id, borrower_id: borrowerId }).first();
}

export function billOfLoan(db: Executor, loanId: number): Promise<BillRow | undefined> {
  return firstRow(db, BILL_OF_LOAN, [loanId]);
}

export function billsOfLoans(db: Executor, loanIds: number[]): Promise<BillRow[]> {
  return loanIds.length ? db<BillRow>('bills').whereIn('loan_id', loanIds) : Promise.resolve([]);
}

/** Writes a bill's changed fields if nobody changed it since `version` was read; answers whether it did. */
export async function updateBill(db: Executor, id: number, version: number, fields: Partial<BillRow>): Promise<boolean> {
  const changed = await db('bills')
    .where({ id, version })
    .update({ ...fields, version: version + 1 });
  return changed === 1;
}

/**
 * Marks the bill's extensions so far as reported to the app, if one was not
 * yet; answers whether this call did it (a double tap reports once).
 */
export async function markDelaysReported(db: Executor, id: number): Promise<boolean> {
  const changed = await db('bills').where({ id }).where('delays_reported', '<', db.ref('delay_count')).update({ delays_reported: db.ref('delay_count') });
  return changed === 1;
}
