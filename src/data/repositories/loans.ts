import type { ConsolePage } from '../console-page.ts';
import type { LoanState } from '../../domain/loan-status.ts';
import { type Executor, firstRow, insertReturningId } from '../db.ts';

/** A borrower's newest loan: read on every signed-in page. (Exported for the query-plan test.) */
export const NEWEST_LOAN = 'select * from loans where borrower_id = ? order by id desc limit 1';

export interface LoanRow {
  id: number;
  oid: string;
  borrower_id: number;
  principal: number;
  term_days: number;
  loan_rate_ppm: number;
  repay_rate_ppm: number;
  overdue_rate_ppm: number;
  overdue_cap_ppm: number;
  fee: number;
  received: number;
  repay_interest: number;
  status: LoanState;
  decided_by: string | null;
  reject_code: string | null;
  reject_note: string | null;
  reapply_at: number | null;
  created_at: number;
  confirmed_at: number | null;
  decided_at: number | null;
  disbursed_at: number | null;
  repaid_at: number | null;
  kfs_version: string | null;
  kfs_ack_at: number | null;
  cancelled_at: number | null;
  /** The product and version the loan was priced with (null: made before products existed). */
  product_id: number | null;
  product_version: number | null;
  /** The product version's extension limit, kept with the rates (null: DELAY_MAX). */
  delay_max: number | null;
}

export type NewLoan = Omit<
  LoanRow,
  | 'id'
  | 'decided_by'
  | 'reject_code'
  | 'reject_note'
  | 'reapply_at'
  | 'confirmed_at'
  | 'decided_at'
  | 'disbursed_at'
  | 'repaid_at'
  | 'kfs_version'
  | 'kfs_ack_at'
  | 'cancelled_at'
  | 'product_id'
  | 'product_version'
  | 'delay_max'
> &
  Partial<Pick<LoanRow, 'product_id' | 'product_version' | 'delay_max'>>;

export function insertLoan(db: Executor, row: NewLoan): Promise<number> {
  return insertReturningId(db, 'loans', row);
}

export function findLoan(db: Executor, id: number): Promise<LoanRow | undefined> {
  return db<LoanRow>('loans').where({ id }).first();
}

/** A loan by its public order number, whoever's it is. */
export function findLoanByOid(db: Executor, oid: string): Promise<LoanRow | undefined> {
  return db<LoanRow>('loans').where({ oid }).first();
}

/** How many of the borrower's loans other than `exceptId` are in one of `states` (a kept read: pages ask it). */
export async function countLoansInStates(db: Executor, borrowerId: number, states: readonly string[], exceptId: number): Promise<number> {
  const sql = `select count(*) as n from loans where borrower_id = ? and status in (${states.map(() => '?').join(', ')}) and id <> ?`;
  const row = await firstRow<{ n: number | string }>(db, sql, [borrowerId, ...states, exceptId]);
  return Number(row?.n ?? 0);
}

/** Loans in one state with the borrower's phone and quota, oldest first. */
export function loansInStateWithBorrower(db: Executor, status: LoanRow['status'], page: ConsolePage = { after: null, limit: 1000 }) {
  const q = db('loans').join('borrowers', 'borrowers.id', 'loans.borrower_id').where('loans.status', status);
  if (page.after !== null) q.where('loans.id', '>', page.after);
  if (page.borrowerId !== undefined) q.where('loans.borrower_id', page.borrowerId);
  if (page.loanId !== undefined) q.where('loans.id', page.loanId);
  return q.orderBy('loans.id', 'asc').limit(page.limit).select<Array<LoanRow & { phone: string; quota: number }>>('loans.*', 'borrowers.phone', 'borrowers.quota');
}

/** A borrower's loan by its public order number; another borrower's is not found. */
export function findOwnLoanByOid(db: Executor, borrowerId: number, oid: string): Promise<LoanRow | undefined> {
  return firstRow(db, 'select * from loans where oid = ? and borrower_id = ?', [oid, borrowerId]);
}

export function newestLoan(db: Executor, borrowerId: number): Promise<LoanRow | undefined> {
  return firstRow(db, NEWEST_LOAN, [borrowerId]);
}

export function loansOf(db: Executor, borrowerId: number): Promise<LoanRow[]> {
  return db<LoanRow>('loans').where({ borrower_id: borrowerId }).orderBy('id', 'desc');
}

/**
 * Moves a loan from one state to another only if it is still in `from`;
 * answers whether this call made the move (a concurrent one may have won).
 */
export async function moveLoan(
  db: Executor,
  id: number,
  from: LoanState,
  to: LoanState,
  fields: Partial<LoanRow> = {},
): Promise<boolean> {
  const changed = await db('loans').where({ id, status: from }).update({ ...fields, status: to });
  return changed === 1;
}
