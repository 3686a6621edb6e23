import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import { type Db, type Executor, isUniqueViolation } from '../data/db.ts';
import { type BillRow, findBillForUpdate, updateBill } from '../data/repositories/bills.ts';
import { findBorrowerById, rewardOnTimeRepayment } from '../data/repositories/borrowers.ts';
import { findLoan, type LoanRow, moveLoan } from '../data/repositories/loans.ts';
import {
  findSettlementByReference,
  insertSettlement,
  recordLeftAfter,
  type SettlementRow,
} from '../data/repositories/settlements.ts';
import { allocate, type BillFacts, billState, type BillState } from '../domain/bill.ts';
import { dayOf } from '../domain/calendar.ts';
import { type DelayQuote, delayQuote } from '../domain/delay.ts';
import { type ExitQuote, exitQuote } from '../domain/exit.ts';
import { transition } from '../domain/loan-status.ts';
import { AppError } from '../errors.ts';

type SettleConfig = Pick<Config, 'timeZone' | 'quotaGrowth' | 'delayMax' | 'protection'>;

export interface Payment {
  billId: number;
  amount: number;
  reference: string;
  source: string;
}

/** The facts of a bill the domain needs, with the overdue terms frozen on its loan. */
export function billFacts(bill: BillRow): BillFacts {
  return {
    principal: bill.principal,
    repayInterest: bill.repay_interest,
    dueDay: bill.due_day,
    delayCount: bill.delay_count,
    delayUnpaid: bill.delay_unpaid,
    overduePaid: bill.overdue_paid,
    overdueCleared: bill.overdue_cleared,
    interestPaid: bill.interest_paid,
    principalPaid: bill.principal_paid,
    // A returned (cancelled) bill asks for nothing more, like a repaid one.
    repaid: bill.status !== 'open',
  };
}

/** A bill's state today, by the business calendar and its loan's frozen overdue terms. */
export function stateOf(bill: BillRow, loan: Pick<LoanRow, 'overdue_rate_ppm' | 'overdue_cap_ppm'>, now: Date, timeZone: string): BillState {
  return billState(billFacts(bill), dayOf(now.getTime(), timeZone), {
    overdueRatePpm: loan.overdue_rate_ppm,
    overdueCapPpm: loan.overdue_cap_ppm,
  });
}

export interface SettledPayment {
  /** The settlement written for this reference (now or earlier). */
  settlement: SettlementRow;
  /** False when the reference had already been settled: nothing changed this time. */
  applied: boolean;
}

/**
 * Applies one settled repayment to a bill, once per reference, in one
 * transaction: overdue fee first, then repay interest, unpaid delays and
 * principal. When nothing is left the bill and loan become repaid and, if it
 * was on time, the borrower's quota grows. Money beyond what was owed is kept
 * on the settlement as `excess` for a refund; it is never dropped.
 */
export async function settleRepayment(
  db: Db,
  clock: Clock,
  config: SettleConfig,
  payment: Payment,
): Promise<SettledPayment> {
  if (!Number.isSafeInteger(payment.amount) || payment.amount <= 0) {
    throw new AppError(422, 'invalid_amount', 'errors.amount_invalid');
  }
  const earlier = await findSettlementByReference(db, payment.reference);
  if (earlier) return { settlement: earlier, applied: false };
  try {
    return await db.transaction((trx) => applyRepayment(trx, clock, config, payment));
  } catch (err) {
    // A concurrent copy of the same reference committed first.
    const winner = isUniqueViolation(err) ? await findSettlementByReference(db, payment.reference) : undefined;
    if (winner) return { settlement: winner, applied: false };
    throw err;
  }
}

/** The settlement just written for a payment, with what the bill still asks for afterwards recorded on it. */
async function settled(trx: Executor, payment: Payment, now: Date, timeZone: string): Promise<SettlementRow> {
  const settlement = (await findSettlementByReference(trx, payment.reference))!;
  const bill = (await findBillForUpdate(trx, payment.billId))!;
  const loan = (await findLoan(trx, bill.loan_id))!;
  const left = stateOf(bill, loan, now, timeZone).needRepayMoney;
  await recordLeftAfter(trx, settlement.id, left);
  return { ...settlement, left_after: left };
}

/** settleRepayment's work inside the caller's transaction (the payment notification uses it too). */
export async function applyRepayment(trx: Executor, clock: Clock, config: SettleConfig, payment: Payment): Promise<SettledPayment> {
  const now = clock.now();
  const bill = await findBillForUpdate(trx, payment.billId);
  if (!bill) throw new AppError(404, 'not_found', 'errors.not_found');
  const loan = (await findLoan(trx, bill.loan_id))!;
  const before = stateOf(bill, loan, now, config.timeZone);
  const parts = allocate(payment.amount, before.owed);
  await insertSettlement(trx, {
    bill_id: bill.id,
    borrower_id: bill.borrower_id,
    reference: payment.reference,
    source: payment.source,
    purpose: 'repay',
    amount: payment.amount,
    overdue_part: parts.overdue,
    interest_part: parts.interest,
    delay_part: parts.delay,
    principal_part: parts.principal,
    excess: parts.excess,
    settled_at: now.getTime(),
  });
  const paidOff = before.needRepayMoney > 0 && payment.amount >= before.needRepayMoney;
  const written = await updateBill(trx, bill.id, bill.version, {
    overdue_paid: bill.overdue_paid + parts.overdue,
    interest_paid: bill.interest_paid + parts.interest,
    delay_paid: bill.delay_paid + parts.delay,
    delay_unpaid: bill.delay_unpaid - parts.delay,
    principal_paid: bill.principal_paid + parts.principal,
    excess_paid: bill.excess_paid + parts.excess,
    ...(paidOff ? { status: 'repaid' as const, repaid_at: now.getTime() } : {}),
  });
  if (!written) throw new Error(`bill ${bill.id} changed while settling ${payment.reference}`);
  if (paidOff) {
    await moveLoan(trx, loan.id, loan.status, transition(loan.status, 'repaid'), { repaid_at: now.getTime() });
    if (before.overdueDays === 0) {
      const borrower = (await findBorrowerById(trx, bill.borrower_id))!;
      const grown = Math.min(borrower.quota + config.quotaGrowth.step, Math.max(config.quotaGrowth.max, borrower.quota));
      await rewardOnTimeRepayment(trx, borrower.id, grown, now.getTime());
    }
  }
  return { settlement: await settled(trx, payment, now, config.timeZone), applied: true };
}

/** A bill's extension as of now: its price, its new due day, or why it cannot be bought. */
export function quoteDelay(bill: BillRow, loan: LoanRow, now: Date, config: Pick<Config, 'timeZone' | 'delayMax'>): DelayQuote {
  const today = dayOf(now.getTime(), config.timeZone);
  const state = stateOf(bill, loan, now, config.timeZone);
  return delayQuote(billFacts(bill), state, { loanRatePpm: loan.loan_rate_ppm, term: loan.term_days }, today, config.delayMax);
}

/**
 * Applies money paid for an extension, inside the caller's transaction: the
 * due day moves by the loan's term, the late fee so far is cleared and one
 * delay is counted. When an extension can no longer be bought (repaid since,
 * limit reached, too late) or the money does not cover its price, the money
 * is applied as a repayment instead, so it is never lost.
 */
export async function applyDelay(
  trx: Executor,
  clock: Clock,
  config: SettleConfig,
  payment: Payment,
): Promise<SettledPayment & { extended: boolean }> {
  const now = clock.now();
  const bill = await findBillForUpdate(trx, payment.billId);
  if (!bill) throw new AppError(404, 'not_found', 'errors.not_found');
  const loan = (await findLoan(trx, bill.loan_id))!;
  const q = quoteDelay(bill, loan, now, config);
  if (q.refusal || payment.amount < q.total) {
    return { ...(await applyRepayment(trx, clock, config, payment)), extended: false };
  }
  const excess = payment.amount - q.total;
  await insertSettlement(trx, {
    bill_id: bill.id,
    borrower_id: bill.borrower_id,
    reference: payment.reference,
    source: payment.source,
    purpose: 'delay',
    amount: payment.amount,
    overdue_part: q.overdueOwed,
    interest_part: 0,
    delay_part: q.fee,
    principal_part: 0,
    excess,
    settled_at: now.getTime(),
  });
  const written = await updateBill(trx, bill.id, bill.version, {
    due_day: q.newDueDay,
    delay_count: bill.delay_count + 1,
    delay_days: bill.delay_days + loan.term_days,
    overdue_cleared: bill.overdue_cleared + bill.overdue_paid,
    overdue_paid: 0,
    extension_paid: bill.extension_paid + q.total,
    excess_paid: bill.excess_paid + excess,
  });
  if (!written) throw new Error(`bill ${bill.id} changed while settling ${payment.reference}`);
  return { settlement: await settled(trx, payment, now, config.timeZone), applied: true, extended: true };
}

/** A bill's cooling-off exit as of now: its price, the last day, or why it is not offered. */
export async function quoteExit(db: Executor, bill: BillRow, loan: LoanRow, now: Date, config: Pick<Config, 'timeZone' | 'protection'>): Promise<ExitQuote> {
  const paid = await db('settlements').where({ bill_id: bill.id }).count<{ n: number | string }[]>({ n: '*' });
  return exitQuote(
    { principal: bill.principal, startDay: bill.start_day, open: bill.status === 'open', paidAnything: Number(paid[0]?.n ?? 0) > 0 },
    { received: loan.received, repayRatePpm: loan.repay_rate_ppm },
    dayOf(now.getTime(), config.timeZone),
    config.protection.coolingOffDays,
  );
}

/**
 * Applies money paid to return a loan, inside the caller's transaction: the
 * bill takes the amount received as principal and the days' interest, the
 * fee is waived, the bill closes as cancelled and the loan as cancelled by
 * the borrower. When the exit is no longer possible (period over, paid
 * since) or the money is short, it is applied as a repayment instead.
 */
export async function applyExit(
  trx: Executor,
  clock: Clock,
  config: SettleConfig,
  payment: Payment,
): Promise<SettledPayment & { cancelled: boolean }> {
  const now = clock.now();
  const bill = await findBillForUpdate(trx, payment.billId);
  if (!bill) throw new AppError(404, 'not_found', 'errors.not_found');
  const loan = (await findLoan(trx, bill.loan_id))!;
  const q = await quoteExit(trx, bill, loan, now, config);
  if (q.refusal || payment.amount < q.amount) {
    return { ...(await applyRepayment(trx, clock, config, payment)), cancelled: false };
  }
  const excess = payment.amount - q.amount;
  await insertSettlement(trx, {
    bill_id: bill.id,
    borrower_id: bill.borrower_id,
    reference: payment.reference,
    source: payment.source,
    purpose: 'exit',
    amount: payment.amount,
    overdue_part: 0,
    interest_part: q.interest,
    delay_part: 0,
    principal_part: loan.received,
    excess,
    settled_at: now.getTime(),
  });
  const written = await updateBill(trx, bill.id, bill.version, {
    interest_paid: bill.interest_paid + q.interest,
    principal_paid: bill.principal_paid + loan.received,
    excess_paid: bill.excess_paid + excess,
    status: 'cancelled',
  });
  if (!written) throw new Error(`bill ${bill.id} changed while settling ${payment.reference}`);
  await moveLoan(trx, loan.id, loan.status, transition(loan.status, 'cancelled'), { cancelled_at: now.getTime() });
  return { settlement: await settled(trx, payment, now, config.timeZone), applied: true, cancelled: true };
}
