import { allRows, type Executor, firstRow, insertReturningId } from '../db.ts';

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
  /** Books the money once: `<provider>:<event id>` or `proof:<id>`. */
  event_key: string | null;
  intent_id: number | null;
  /** The moment the borrower paid, which priced the payment. */
  paid_at: number | null;
  /** Why the money became a repayment instead of its purpose (an i18n key), or null. */
  note: string | null;
  /** Late fee booked earlier beyond what had accrued at this payment's moment, moved to excess by it. */
  overdue_to_excess: number;
}

/** The first settlement booked against a reference (a transfer reference may take several deposits). */
export function findSettlementByReference(db: Executor, reference: string): Promise<SettlementRow | undefined> {
  return db<SettlementRow>('settlements').where({ reference }).orderBy('id').first();
}

/** The settlement booked for one event (a provider's notification or a proof), if any. */
export function findSettlementByKey(db: Executor, eventKey: string): Promise<SettlementRow | undefined> {
  return db<SettlementRow>('settlements').where({ event_key: eventKey }).first();
}

/** Whether a payment link already bought the thing it was for (one extension, one return). */
export async function intentFulfilled(db: Executor, intentId: number, purpose: 'delay' | 'exit'): Promise<boolean> {
  return Boolean(await db('settlements').where({ intent_id: intentId, purpose }).first('id'));
}

/** Whether anything was settled on a bill yet (apart from the settlements named). */
export async function billHasSettlements(db: Executor, billId: number, except: number[] = []): Promise<boolean> {
  if (!except.length) return Boolean(await firstRow(db, 'select id from settlements where bill_id = ? limit 1', [billId]));
  return Boolean(await db('settlements').where({ bill_id: billId }).whereNotIn('id', except).first('id'));
}

/** The deposits booked so far to one payment link, oldest first. */
export function settlementsOfIntent(db: Executor, intentId: number): Promise<SettlementRow[]> {
  return db<SettlementRow>('settlements').where({ intent_id: intentId }).orderBy('id');
}

/** Books an earlier deposit for a new purpose with new parts (a link paid in several transfers reached its price). */
export async function rebookSettlement(
  db: Executor,
  id: number,
  change: Pick<SettlementRow, 'purpose' | 'overdue_part' | 'interest_part' | 'delay_part' | 'principal_part' | 'excess'>,
): Promise<void> {
  await db('settlements').where({ id }).update({ ...change, note: null });
}

export function insertSettlement(db: Executor, row: Omit<SettlementRow, 'id' | 'left_after' | 'overdue_to_excess'> & { overdue_to_excess?: number }): Promise<number> {
  return insertReturningId(db, 'settlements', row);
}

export function findSettlement(db: Executor, id: number): Promise<SettlementRow | undefined> {
  return db<SettlementRow>('settlements').where({ id }).first();
}

export async function recordLeftAfter(db: Executor, id: number, left: number): Promise<void> {
  await db('settlements').where({ id }).update({ left_after: left });
}

/** A bill's settlements, oldest first: read on its detail page. (Exported for the query-plan test.) */
export const SETTLEMENTS_OF_BILL = 'select * from settlements where bill_id = ? order by id';

export function settlementsOfBill(db: Executor, billId: number): Promise<readonly SettlementRow[]> {
  return allRows(db, SETTLEMENTS_OF_BILL, [billId]);
}
