import { allRows, type Executor, firstRow, insertReturningId } from '../db.ts';

export type Purpose = 'repay' | 'delay' | 'exit';

export interface IntentRow {
  id: number;
  borrower_id: number;
  bill_id: number;
  purpose: Purpose;
  amount: number;
  status: 'open' | 'paid' | 'superseded';
  created_at: number;
  expires_at: number;
  paid_at: number | null;
  /** For an extension: the due day it was priced against. */
  due_day: number | null;
}

export interface ReferenceRow {
  id: number;
  intent_id: number;
  borrower_id: number;
  paytype: 1 | 2;
  provider: string;
  reference: string;
  barcode: string;
  method: string;
  checkout_url: string | null;
  amount: number;
  status: 'pending' | 'paid';
  created_at: number;
  expires_at: number;
  paid_at: number | null;
  paid_amount: number | null;
}

export function insertIntent(db: Executor, row: Omit<IntentRow, 'id' | 'paid_at'>): Promise<number> {
  return insertReturningId(db, 'payment_intents', row);
}

export function findIntent(db: Executor, id: number): Promise<IntentRow | undefined> {
  return db<IntentRow>('payment_intents').where({ id }).first();
}

/** The newest intent of a bill for a purpose, whatever its state. */
export function newestIntent(db: Executor, billId: number, purpose: Purpose): Promise<IntentRow | undefined> {
  return db<IntentRow>('payment_intents').where({ bill_id: billId, purpose }).orderBy('id', 'desc').first();
}

export function intentsOfBill(db: Executor, billId: number): Promise<readonly IntentRow[]> {
  return allRows(db, 'select * from payment_intents where bill_id = ? order by id desc', [billId]);
}

/** Marks a bill's other open intents for a purpose superseded: a newer amount replaces them. */
export async function supersedeIntents(db: Executor, billId: number, purpose: Purpose, keepId: number): Promise<void> {
  await db('payment_intents').where({ bill_id: billId, purpose, status: 'open' }).whereNot({ id: keepId }).update({ status: 'superseded' });
}

export async function markIntentPaid(db: Executor, id: number, at: number): Promise<void> {
  await db('payment_intents').where({ id }).whereNot({ status: 'paid' }).update({ status: 'paid', paid_at: at });
}

export function insertReference(db: Executor, row: Omit<ReferenceRow, 'id' | 'paid_at' | 'paid_amount'>): Promise<number> {
  return insertReturningId(db, 'payment_references', row);
}

export function findReference(db: Executor, reference: string): Promise<ReferenceRow | undefined> {
  return db<ReferenceRow>('payment_references').where({ reference }).first();
}

export function findReferenceById(db: Executor, id: number): Promise<ReferenceRow | undefined> {
  return db<ReferenceRow>('payment_references').where({ id }).first();
}

/** The newest reference of an intent for a payment type. */
export function newestReference(db: Executor, intentId: number, paytype: 1 | 2): Promise<ReferenceRow | undefined> {
  return db<ReferenceRow>('payment_references').where({ intent_id: intentId, paytype }).orderBy('id', 'desc').first();
}

export function referencesOfIntents(db: Executor, intentIds: number[]): Promise<ReferenceRow[]> {
  return intentIds.length
    ? db<ReferenceRow>('payment_references').whereIn('intent_id', intentIds).orderBy('id', 'desc')
    : Promise.resolve([]);
}

/** Books one deposit on a reference: paid from the first, the amount summing every deposit. */
export async function creditReference(db: Executor, id: number, amount: number, at: number): Promise<void> {
  await db('payment_references')
    .where({ id })
    .update({ status: 'paid', paid_amount: db.raw('coalesce(paid_amount, 0) + ?', [amount]), paid_at: db.raw('coalesce(paid_at, ?)', [at]) });
}

export async function recordNotification(
  db: Executor,
  row: { provider: string; event_id: string | null; reference: string | null; outcome: string; http_status: number; body: string; received_at: number },
): Promise<void> {
  await db('payment_notifications').insert(row);
}
