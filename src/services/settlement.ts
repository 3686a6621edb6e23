import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import { type Db, type Executor, isUniqueViolation } from '../data/db.ts';
import { type BillRow, findBillForUpdate, updateBill } from '../data/repositories/bills.ts';
import { findBorrowerById, rewardOnTimeRepayment } from '../data/repositories/borrowers.ts';
import { findLoan, type LoanRow, moveLoan } from '../data/repositories/loans.ts';
import type { IntentRow } from '../data/repositories/payments.ts';
import {
  billHasSettlements,
  findSettlement,
  findSettlementByKey,
  insertSettlement,
  intentFulfilled,
  rebookSettlement,
  recordLeftAfter,
  type SettlementRow,
  settlementsOfIntent,
} from '../data/repositories/settlements.ts';
import { billExtension, billFacts, stateOf } from '../snapshots/loans.ts';
import { dayOf } from '../domain/calendar.ts';
import { type DelayQuote, delayQuote } from '../domain/delay.ts';
import { type ExitQuote, exitQuote } from '../domain/exit.ts';
import { transition } from '../domain/loan-status.ts';
import {
  grownQuota,
  type IncomingMoney,
  type Ledger,
  planSettlement,
  type Purpose,
  type SettlementPlan,
  type SettlementRules,
  type SettlingBill,
  type SettlingLoan,
  SHORT_OF_PRICE,
} from '../domain/settlement.ts';
import { AppError } from '../errors.ts';

type SettleConfig = Pick<Config, 'timeZone' | 'quotaGrowth' | 'delayMax' | 'protection'>;

export interface Payment {
  billId: number;
  amount: number;
  /** The reference the money was paid to (a transfer reference, or `proof:<id>`). */
  reference: string;
  source: string;
  /** What the borrower sent the money for. */
  purpose: Purpose;
  /** The moment the borrower paid, in ms: the provider's `paid_at` (bounded) or the proof's submission. */
  paidAt: number;
  /** Books the money once: `<provider>:<event id>` or `proof:<id>`. */
  key: string;
  /** The payment link paid, whose frozen price is honoured while it was live. */
  intent?: PaidIntent;
}

export interface SettledPayment {
  /** The settlement written for this event (now or earlier). */
  settlement: SettlementRow;
  /** False when the event had already been booked: nothing changed this time. */
  applied: boolean;
  /** What the money did (its purpose, or a repayment when that could no longer apply). */
  plan: Pick<SettlementPlan, 'purpose' | 'redirected' | 'loanMove'> & { paidOff: boolean };
}

/** The payment link money was sent to, when there was one. */
export type PaidIntent = Pick<IntentRow, 'id' | 'amount' | 'created_at' | 'expires_at' | 'due_day'>;

/**
 * One settlement procedure for every purpose (repay, delay, exit), in the
 * caller's transaction: lock the bill, load what pricing needs, price at the
 * moment the borrower paid, let the purpose's domain rule allocate, write the
 * settlement and the bill (only if unchanged since read), move the loan, and
 * record what is left. Booked once per event key: a replayed or concurrent
 * copy of the same event changes nothing.
 */
export async function settlePayment(trx: Executor, clock: Clock, config: SettleConfig, payment: Payment): Promise<SettledPayment> {
  if (!Number.isSafeInteger(payment.amount) || payment.amount <= 0) {
    throw new AppError(422, 'invalid_amount', 'errors.amount_invalid');
  }
  const now = clock.now();
  // Lock: concurrent settlements of one bill queue here (PostgreSQL row lock; SQLite has one writer).
  const bill = await findBillForUpdate(trx, payment.billId);
  if (!bill) throw new AppError(404, 'not_found', 'errors.not_found');
  const booked = await findSettlementByKey(trx, payment.key);
  if (booked) return { settlement: booked, applied: false, plan: { purpose: booked.purpose, redirected: booked.note, loanMove: null, paidOff: false } };
  // Load.
  const loan = (await findLoan(trx, bill.loan_id))!;
  const intent = payment.intent;
  const used = intent && payment.purpose !== 'repay' ? await intentFulfilled(trx, intent.id, payment.purpose) : false;
  // Price at the moment.
  const moment = Math.min(payment.paidAt, now.getTime());
  // What the link received before, while live: a link may be paid in several transfers.
  const earlier = intent ? (await settlementsOfIntent(trx, intent.id)).filter((s) => (s.paid_at ?? s.settled_at) <= intent.expires_at) : [];
  const shortBefore = earlier
    .filter((s) => s.purpose === 'repay' && s.note !== null && SHORT_OF_PRICE.includes(s.note))
    .map((s) => ({
      id: s.id,
      amount: s.amount,
      parts: { overdue: s.overdue_part, interest: s.interest_part, delay: s.delay_part, principal: s.principal_part, excess: s.excess },
    }));
  const money: IncomingMoney = {
    amount: payment.amount,
    purpose: payment.purpose,
    day: dayOf(moment, config.timeZone),
    frozen: intent
      ? {
          amount: intent.amount,
          pricedDay: dayOf(intent.created_at, config.timeZone),
          live: moment <= intent.expires_at,
          fromDueDay: intent.due_day,
          used,
          receivedBefore: earlier.reduce((sum, s) => sum + s.amount, 0),
          shortBefore,
        }
      : null,
  };
  // Allocate: the purpose's pure rule. The link's own short deposits do not end the cooling-off offer.
  const paidBefore = await billHasSettlements(trx, bill.id, shortBefore.map((s) => s.id));
  const plan = planSettlement(settlingBill(bill, paidBefore), settlingLoan(loan), rulesOf(config, loan), money);
  // Write.
  const settlementId = await insertSettlement(trx, {
    bill_id: bill.id,
    borrower_id: bill.borrower_id,
    reference: payment.reference,
    source: payment.source,
    purpose: plan.purpose,
    amount: payment.amount,
    overdue_part: plan.parts.overdue,
    interest_part: plan.parts.interest,
    delay_part: plan.parts.delay,
    principal_part: plan.parts.principal,
    excess: plan.parts.excess,
    settled_at: now.getTime(),
    event_key: payment.key,
    intent_id: intent?.id ?? null,
    paid_at: moment,
    note: plan.redirected,
    overdue_to_excess: plan.overdueToExcess,
  });
  for (const r of plan.rewrites) {
    await rebookSettlement(trx, r.id, {
      purpose: r.purpose,
      overdue_part: r.parts.overdue,
      interest_part: r.parts.interest,
      delay_part: r.parts.delay,
      principal_part: r.parts.principal,
      excess: r.parts.excess,
    });
  }
  const closing = plan.loanMove === 'repaid' ? { repaid_at: now.getTime() } : {};
  // Check version: the bill must be the one priced.
  if (!(await updateBill(trx, bill.id, bill.version, { ...billColumns(plan.billChange), ...closing }))) {
    throw new AppError(409, 'settlement_conflict', 'errors.internal');
  }
  if (plan.loanMove) {
    const at = plan.loanMove === 'repaid' ? { repaid_at: now.getTime() } : { cancelled_at: now.getTime() };
    // The bill was locked and unchanged, so its loan cannot have moved; if it did, undo everything.
    if (!(await moveLoan(trx, loan.id, loan.status, transition(loan.status, plan.loanMove), at))) {
      throw new AppError(409, 'settlement_conflict', 'errors.internal');
    }
  }
  if (plan.onTime) {
    const borrower = (await findBorrowerById(trx, bill.borrower_id))!;
    await rewardOnTimeRepayment(trx, borrower.id, grownQuota(borrower.quota, config.quotaGrowth), now.getTime());
  }
  // Record what the bill still asks for now.
  const after = (await findBillForUpdate(trx, bill.id))!;
  const left = stateOf(after, loan, now, config.timeZone).needRepayMoney;
  await recordLeftAfter(trx, settlementId, left);
  const settlement = (await findSettlement(trx, settlementId))!;
  return {
    settlement,
    applied: true,
    plan: { purpose: plan.purpose, redirected: plan.redirected, loanMove: plan.loanMove, paidOff: plan.loanMove === 'repaid' },
  };
}

/**
 * settlePayment in a transaction of its own, with `alongside` written in the
 * same transaction when the money was booked. A copy of the same event
 * settling at the same moment on another bill (a unique-key clash, never a
 * 500) answers `applied: false` with the settlement that won.
 */
export async function settleOnce(
  db: Db,
  clock: Clock,
  config: SettleConfig,
  payment: Payment,
  alongside?: (trx: Executor, done: SettledPayment) => Promise<void>,
): Promise<SettledPayment> {
  try {
    return await db.transaction(async (trx) => {
      const done = await settlePayment(trx, clock, config, payment);
      if (done.applied && alongside) await alongside(trx, done);
      return done;
    });
  } catch (err) {
    const winner = isUniqueViolation(err) ? await findSettlementByKey(db, payment.key) : undefined;
    if (winner) return { settlement: winner, applied: false, plan: { purpose: winner.purpose, redirected: winner.note, loanMove: null, paidOff: false } };
    throw err;
  }
}

function settlingBill(bill: BillRow, paidBefore: boolean): SettlingBill {
  return {
    ...billExtension(bill),
    status: bill.status,
    interestPaid: bill.interest_paid,
    delayPaid: bill.delay_paid,
    principalPaid: bill.principal_paid,
    excessPaid: bill.excess_paid,
    extensionPaid: bill.extension_paid,
    principal: bill.principal,
    repayInterest: bill.repay_interest,
    startDay: bill.start_day,
    paidBefore,
  };
}

function settlingLoan(loan: LoanRow): SettlingLoan {
  return {
    term: loan.term_days,
    received: loan.received,
    loanRatePpm: loan.loan_rate_ppm,
    repayRatePpm: loan.repay_rate_ppm,
    overdueRatePpm: loan.overdue_rate_ppm,
    overdueCapPpm: loan.overdue_cap_ppm,
  };
}

/** The loan's own extension limit (its product version's), or DELAY_MAX for a loan made before products. */
export function delayMaxOf(loan: Pick<LoanRow, 'delay_max'>, config: Pick<Config, 'delayMax'>): number {
  return loan.delay_max ?? config.delayMax;
}

function rulesOf(config: SettleConfig, loan: LoanRow): SettlementRules {
  return { delayMax: delayMaxOf(loan, config), coolingOffDays: config.protection.coolingOffDays };
}

const COLUMNS: { [K in keyof Ledger]: keyof BillRow } = {
  status: 'status',
  dueDay: 'due_day',
  delayCount: 'delay_count',
  delayDays: 'delay_days',
  delayUnpaid: 'delay_unpaid',
  overduePaid: 'overdue_paid',
  overdueCleared: 'overdue_cleared',
  interestPaid: 'interest_paid',
  delayPaid: 'delay_paid',
  principalPaid: 'principal_paid',
  excessPaid: 'excess_paid',
  extensionPaid: 'extension_paid',
};

/** A domain bill change as the bill row's columns. */
function billColumns(change: Partial<Ledger>): Partial<BillRow> {
  return Object.fromEntries(Object.entries(change).map(([k, v]) => [COLUMNS[k as keyof Ledger], v]));
}

/** A bill's extension as of now: its price, its new due day, or why it cannot be bought. */
export function quoteDelay(bill: BillRow, loan: LoanRow, now: Date, config: Pick<Config, 'timeZone' | 'delayMax'>): DelayQuote {
  const today = dayOf(now.getTime(), config.timeZone);
  const state = stateOf(bill, loan, now, config.timeZone);
  return delayQuote(billFacts(bill), state, { loanRatePpm: loan.loan_rate_ppm, term: loan.term_days }, today, delayMaxOf(loan, config));
}

/** A bill's cooling-off exit as of now: its price, the last day, or why it is not offered. */
export async function quoteExit(db: Executor, bill: BillRow, loan: LoanRow, now: Date, config: Pick<Config, 'timeZone' | 'protection'>): Promise<ExitQuote> {
  return exitQuote(
    { principal: bill.principal, startDay: bill.start_day, open: bill.status === 'open', paidAnything: await billHasSettlements(db, bill.id) },
    { received: loan.received, repayRatePpm: loan.repay_rate_ppm },
    dayOf(now.getTime(), config.timeZone),
    config.protection.coolingOffDays,
  );
}
