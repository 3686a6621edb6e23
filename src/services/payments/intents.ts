import crypto from 'node:crypto';
import type { Clock } from '../../clock.ts';
import type { Config } from '../../config.ts';
import { type Db, type Executor, isRowId, isUniqueViolation } from '../../data/db.ts';
import { billOfLoan, type BillRow, findBillForUpdate, findOwnBill, markDelaysReported } from '../../data/repositories/bills.ts';
import { findLoan, findOwnLoanByOid, type LoanRow } from '../../data/repositories/loans.ts';
import {
  findIntent,
  findReference,
  findReferenceById,
  insertIntent,
  insertReference,
  type IntentRow,
  intentsOfBill,
  newestIntent,
  newestReference,
  type Purpose,
  type ReferenceRow,
  referencesOfIntents,
  supersedeIntents,
} from '../../data/repositories/payments.ts';
import { AppError, invalidInput, notFound } from '../../errors.ts';
import { marketProfile } from '../../domain/markets/index.ts';
import { referenceExpiry } from '../../domain/references.ts';
import { stateOf } from '../../snapshots/loans.ts';
import { quoteDelay, quoteExit } from '../settlement.ts';
import type { Gateway, PayType } from './gateway.ts';

type IntentConfig = Pick<Config, 'timeZone' | 'delayMax' | 'payments' | 'session' | 'protection'>;

/**
 * The payment URL's token: the intent id and an HMAC of it (keyed by the
 * session secret), so it cannot be guessed, needs no storage, and names one
 * intent of one borrower.
 */
export function intentToken(intent: Pick<IntentRow, 'id' | 'borrower_id' | 'created_at'>, secret: string): string {
  const mac = crypto
    .createHmac('sha256', secret)
    .update(`pay:${intent.id}:${intent.borrower_id}:${intent.created_at}`)
    .digest('base64url');
  return `${intent.id}-${mac}`;
}

/** The intent a token names, or undefined for anything forged, truncated or unknown. */
export async function intentByToken(db: Db, token: string, secret: string): Promise<IntentRow | undefined> {
  const m = /^(\d{1,12})-([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m || !isRowId(m[1]!)) return undefined;
  const intent = await findIntent(db, Number(m[1]));
  if (!intent) return undefined;
  const expected = Buffer.from(intentToken(intent, secret));
  const given = Buffer.from(token);
  return expected.length === given.length && crypto.timingSafeEqual(expected, given) ? intent : undefined;
}

/** What paying for `purpose` costs now; a refused extension or a settled bill answers 409 with the reason. */
async function priceOf(db: Executor, bill: BillRow, loan: LoanRow, purpose: Purpose, now: Date, config: IntentConfig): Promise<number> {
  if (bill.status !== 'open') throw new AppError(409, 'bill_repaid', 'errors.bill_repaid');
  if (purpose === 'repay') return stateOf(bill, loan, now, config.timeZone).needRepayMoney;
  if (purpose === 'exit') {
    const q = await quoteExit(db, bill, loan, now, config);
    if (q.refusal) throw new AppError(409, 'exit_refused', q.refusal);
    return q.amount;
  }
  const q = quoteDelay(bill, loan, now, config);
  if (q.refusal) throw new AppError(409, 'delay_refused', q.refusal);
  return q.total;
}

/**
 * The borrower's own disbursed loan and its bill, by order number or by bill
 * id (the spec's `billId`); anyone else's, or an unknown one, is the same 404.
 */
export async function ownBill(
  db: Db,
  borrowerId: number,
  key: { oid: string } | { billId: number },
): Promise<{ loan: LoanRow; bill: BillRow }> {
  let loan: LoanRow | undefined;
  let bill: BillRow | undefined;
  if ('oid' in key) {
    loan = await findOwnLoanByOid(db, borrowerId, key.oid);
    bill = loan && (await billOfLoan(db, loan.id));
  } else {
    bill = await findOwnBill(db, borrowerId, key.billId);
    loan = bill && (await findLoan(db, bill.loan_id));
  }
  if (!loan || !bill) throw notFound();
  return { loan, bill };
}

/**
 * Repay/payData: an intent freezing what paying `purpose` costs now, with an
 * expiry. A live intent with the same amount (and, for an extension, the same
 * due day to extend from) is reused (same URL); a changed amount makes a new
 * one and retires the old (their references still settle if someone pays
 * them, at the price they showed while they were live). Priced from the bill
 * as it is inside the transaction.
 */
export async function openIntent(
  db: Db,
  clock: Clock,
  config: IntentConfig,
  owned: { loan: LoanRow; bill: BillRow },
  purpose: Purpose,
): Promise<IntentRow> {
  return db.transaction(async (trx) => {
    const now = clock.now();
    const bill = await findBillForUpdate(trx, owned.bill.id);
    if (!bill) throw notFound();
    const amount = await priceOf(trx, bill, owned.loan, purpose, now, config);
    const dueDay = purpose === 'delay' ? bill.due_day : null;
    const live = await newestIntent(trx, bill.id, purpose);
    if (live && live.status === 'open' && live.amount === amount && live.due_day === dueDay && live.expires_at > now.getTime()) return live;
    const id = await insertIntent(trx, {
      borrower_id: bill.borrower_id,
      bill_id: bill.id,
      purpose,
      amount,
      status: 'open',
      created_at: now.getTime(),
      expires_at: now.getTime() + config.payments.intentMs,
      due_day: dueDay,
    });
    await supersedeIntents(trx, bill.id, purpose, id);
    return (await findIntent(trx, id))!;
  });
}

/**
 * Repay/ajaxDelay's rule (prepaid extensions): null when an extension moved
 * the due day since the app was last told (however it was bought: this link,
 * the extension page, an approved proof); each is reported once, so the app
 * can go on to buy the next, up to DELAY_MAX. Otherwise the intent that pays
 * for the next extension, or the refusal when none can be bought.
 */
export async function extensionToPay(
  db: Db,
  clock: Clock,
  config: IntentConfig,
  owned: { loan: LoanRow; bill: BillRow },
): Promise<IntentRow | null> {
  if (await markDelaysReported(db, owned.bill.id)) return null;
  return openIntent(db, clock, config, owned, 'delay');
}

/** Why an intent cannot take new references: paid, replaced, or expired (an i18n key), or null. */
export function intentClosed(intent: IntentRow, now: number): string | null {
  if (intent.status === 'paid') return 'errors.intent_paid';
  if (intent.status === 'superseded') return 'errors.intent_superseded';
  if (intent.expires_at <= now) return 'errors.intent_expired';
  return null;
}

/**
 * For each payment type, when the reference the borrower gets on choosing it
 * now stops being payable: the live one's end, or a new one's. The method
 * chooser shows these, so its deadline is the one the reference page shows.
 */
export async function referenceDeadlines(
  db: Db,
  clock: Clock,
  config: IntentConfig,
  intent: IntentRow,
): Promise<Record<PayType, number>> {
  const now = clock.now().getTime();
  const fresh = referenceExpiry(now, config.payments.referenceMs, intent.expires_at);
  const endOf = async (paytype: PayType) => {
    const latest = await newestReference(db, intent.id, paytype);
    return latest && latest.status !== 'paid' && latest.expires_at > now ? latest.expires_at : fresh;
  };
  return { 1: await endOf(1), 2: await endOf(2) };
}

/**
 * The live reference of an intent for a payment type, or a new one from the
 * gateway when there is none or it expired. Paid intents show their paid
 * reference; closed intents cannot get new ones.
 */
export async function referenceFor(
  db: Db,
  clock: Clock,
  config: IntentConfig,
  gateway: Gateway,
  intent: IntentRow,
  paytype: PayType,
  baseUrl: string,
): Promise<ReferenceRow> {
  const now = clock.now().getTime();
  const latest = await newestReference(db, intent.id, paytype);
  if (latest && (latest.status === 'paid' || latest.expires_at > now)) return latest;
  const closed = intentClosed(intent, now);
  if (closed) throw new AppError(410, 'intent_closed', closed);
  const expiresAt = referenceExpiry(now, config.payments.referenceMs, intent.expires_at);
  for (let attempt = 0; ; attempt++) {
    const issued = await gateway.issueReference({ paytype, amount: intent.amount, expiresAt, baseUrl });
    try {
      const id = await insertReference(db, {
        intent_id: intent.id,
        borrower_id: intent.borrower_id,
        paytype,
        provider: gateway.name,
        reference: issued.reference,
        barcode: issued.barcode,
        method: issued.methodName,
        checkout_url: issued.checkoutUrl ?? null,
        amount: intent.amount,
        status: 'pending',
        created_at: now,
        expires_at: expiresAt,
      });
      return (await findReferenceById(db, id))!;
    } catch (err) {
      // Random references can collide with an old one; a few tries always find a free one.
      if (!isUniqueViolation(err) || attempt >= 4) throw err;
    }
  }
}

/** Every payment link of a bill with the references issued under each, for the payment history. */
export async function paymentsOfBill(db: Db, billId: number): Promise<{ intents: readonly IntentRow[]; references: Awaited<ReturnType<typeof referencesOfIntents>> }> {
  const intents = await intentsOfBill(db, billId);
  return { intents, references: await referencesOfIntents(db, intents.map((i) => i.id)) };
}

/** The newest reference of a payment link for one method (the barcode shows it). */
export function currentReference(db: Db, intentId: number, paytype: PayType): Promise<ReferenceRow | undefined> {
  return newestReference(db, intentId, paytype);
}

/** A reference by its code (the sandbox checkout names it). */
export function referenceByCode(db: Db, reference: string): Promise<ReferenceRow | undefined> {
  return findReference(db, reference);
}

/** The reference to pay for a payment type the market offers (a cash voucher outside Mexico is refused like an unknown type). */
export async function referenceToPay(
  db: Db,
  clock: Clock,
  config: IntentConfig & Pick<Config, 'market'>,
  gateway: Gateway,
  intent: IntentRow,
  paytype: PayType,
  base: string,
): Promise<ReferenceRow> {
  if (!marketProfile(config.market).payTypes.includes(paytype)) throw invalidInput({ paytype: 'errors.paytype_invalid' });
  return referenceFor(db, clock, config, gateway, intent, paytype, base);
}
