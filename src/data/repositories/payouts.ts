import type { Knex } from 'knex';
import type { PayoutState } from '../../domain/payouts.ts';
import { allRows, type Executor, insertReturningId } from '../db.ts';

export interface PayoutRow {
  id: number;
  loan_id: number;
  borrower_id: number;
  bank_account_id: number;
  amount: number;
  attempt: number;
  idempotency_key: string;
  provider: string;
  provider_ref: string | null;
  status: PayoutState;
  reason: string | null;
  refund_due: number;
  created_at: number;
  paid_at: number | null;
  failed_at: number | null;
  returned_at: number | null;
}

export type NewPayout = Pick<PayoutRow, 'loan_id' | 'borrower_id' | 'bank_account_id' | 'amount' | 'attempt' | 'idempotency_key' | 'provider' | 'status' | 'created_at'>;

export function insertPayout(db: Executor, row: NewPayout): Promise<number> {
  return insertReturningId(db, 'payouts', row);
}

export function findPayout(db: Executor, id: number): Promise<PayoutRow | undefined> {
  return db<PayoutRow>('payouts').where({ id }).first();
}

export function findPayoutByKey(db: Executor, key: string): Promise<PayoutRow | undefined> {
  return db<PayoutRow>('payouts').where({ idempotency_key: key }).first();
}

/** A loan's payouts, newest attempt first (a kept read: the home and detail pages show them). */
export function payoutsOfLoan(db: Executor, loanId: number): Promise<readonly PayoutRow[]> {
  return allRows(db, 'select * from payouts where loan_id = ? order by attempt desc', [loanId]);
}

/** Moves a payout only if it is still in `from`; answers whether this call made the move. */
export async function movePayout(db: Executor, id: number, from: PayoutState, to: PayoutState, fields: Partial<PayoutRow> = {}): Promise<boolean> {
  return (await db('payouts').where({ id, status: from }).update({ ...fields, status: to })) === 1;
}

/** Records a provider event once; false when that event id was already recorded. */
export async function recordPayoutEvent(
  db: Executor,
  row: { provider: string; event_id: string; payout_id: number | null; outcome: string; received_at: number },
): Promise<void> {
  await db('payout_events').insert(row);
}

export interface PayoutListRow extends PayoutRow {
  phone: string;
  last4: string;
  bank_code: string;
  oid: string;
}

/** Payouts for the console, newest first, optionally in one state. */
export function listPayouts(db: Executor, status: PayoutState | undefined, limit: number): Promise<PayoutListRow[]> {
  const q = db('payouts as p')
    .join('borrowers as b', 'b.id', 'p.borrower_id')
    .join('bank_accounts as a', 'a.id', 'p.bank_account_id')
    .join('loans as l', 'l.id', 'p.loan_id')
    .select('p.*', 'b.phone', 'a.last4', 'a.bank_code', 'l.oid')
    .orderBy('p.id', 'desc')
    .limit(limit);
  return status ? q.where('p.status', status) : q;
}

/** How many payouts, and how much, are in each state. */
export function payoutCounts(db: Executor): Promise<Array<{ status: PayoutState; n: number | string; total: number | string }>> {
  return db('payouts').select('status').count({ n: '*' }).sum({ total: 'amount' }).groupBy('status');
}

/** Every payout confirmed arrived in [from, to) (epoch ms), for per-day totals. */
export function paidBetween(db: Executor, from: number, to: number): Promise<Array<Pick<PayoutRow, 'amount' | 'paid_at' | 'status'>>> {
  return db<PayoutRow>('payouts').select('amount', 'paid_at', 'status').whereNotNull('paid_at').where('paid_at', '>=', from).where('paid_at', '<', to);
}

/** The provider's reference for a payout still pending (it answered "later"). */
export async function setProviderRef(db: Executor, id: number, providerRef: string): Promise<void> {
  await db('payouts').where({ id, status: 'pending' }).update({ provider_ref: providerRef });
}

/** A returned payout's refund is no longer due once a new payout restarted the bill it was paid on. */
export async function clearRefundsDue(db: Executor, loanId: number): Promise<void> {
  await db('payouts').where({ loan_id: loanId, status: 'returned' }).update({ refund_due: 0 });
}

/** What a provider's event did, once it was applied. */
export async function setPayoutEventOutcome(db: Executor, provider: string, eventId: string, outcome: string): Promise<void> {
  await db('payout_events').where({ provider, event_id: eventId }).update({ outcome });
}

const consoleRows = (db: Executor) =>
  db('payouts as p')
    .join('borrowers as b', 'b.id', 'p.borrower_id')
    .join('bank_accounts as a', 'a.id', 'p.bank_account_id')
    .join('loans as l', 'l.id', 'p.loan_id')
    .select('p.*', 'b.phone', 'a.last4', 'a.bank_code', 'l.oid');

/** Payouts still pending since before `createdBefore` (epoch ms), oldest first: the console's stuck list. */
export function pendingSince(db: Executor, createdBefore: number): Promise<PayoutListRow[]> {
  return consoleRows(db).where('p.status', 'pending').where('p.created_at', '<', createdBefore).orderBy('p.created_at');
}

/** Payouts confirmed arrived, or returned, in [from, to) (epoch ms): the rows behind per-day totals. */
export function arrivedOrReturnedBetween(db: Executor, from: number, to: number): Promise<Array<Pick<PayoutRow, 'amount' | 'paid_at' | 'returned_at'>>> {
  return db<PayoutRow>('payouts')
    .select('amount', 'paid_at', 'returned_at')
    .where((q) => q.where('paid_at', '>=', from).andWhere('paid_at', '<', to))
    .orWhere((q) => q.where('returned_at', '>=', from).andWhere('returned_at', '<', to));
}

/** Every payout requested, confirmed, failed or returned in [from, to) (epoch ms), oldest first: the CSV export. */
export function payoutsTouchedBetween(db: Executor, from: number, to: number): Promise<PayoutListRow[]> {
  const within = (column: string) => (q: Knex.QueryBuilder) => q.where(column, '>=', from).andWhere(column, '<', to);
  return consoleRows(db)
    .where((q) => q.where(within('p.created_at')).orWhere(within('p.paid_at')).orWhere(within('p.failed_at')).orWhere(within('p.returned_at')))
    .orderBy('p.id');
}
