import { allocate, type Allocation, type BillFacts, billState } from './bill.ts';
import { type Day, dayOf, startOfDay } from './calendar.ts';
import { type BillExtension, delayQuote } from './delay.ts';
import { exitQuote } from './exit.ts';
import type { Minor } from './money.ts';

/** The notes of deposits booked as repayments only because each alone was short of its link's price. */
export const SHORT_OF_PRICE: readonly string[] = ['errors.delay_short', 'errors.exit_short'];

/** What money can be sent for. */
export type Purpose = 'repay' | 'delay' | 'exit';

/** The columns of a bill that a settlement may change: those an extension changes, its status and what was paid. */
export interface Ledger extends BillExtension {
  status: 'open' | 'repaid' | 'cancelled';
  interestPaid: Minor;
  delayPaid: Minor;
  principalPaid: Minor;
  excessPaid: Minor;
  extensionPaid: Minor;
}

/** A bill as settlement sees it: its ledger plus what never changes. */
export interface SettlingBill extends Ledger {
  principal: Minor;
  repayInterest: Minor;
  startDay: Day;
  /** Anything settled on it before (a repayment or extension ends the cooling-off offer). */
  paidBefore: boolean;
}

/** The loan's terms, frozen when it was priced. */
export interface SettlingLoan {
  term: number;
  received: Minor;
  loanRatePpm: number;
  repayRatePpm: number;
  overdueRatePpm: number;
  overdueCapPpm: number;
}

export interface SettlementRules {
  delayMax: number;
  coolingOffDays: number;
}

/** The payment link (intent) the money was sent to, as it stood when the borrower paid. */
export interface FrozenPrice {
  /** The amount the link showed. */
  amount: Minor;
  /** The business day the amount was priced on. */
  pricedDay: Day;
  /** The borrower paid before the link expired. */
  live: boolean;
  /** For an extension link: the due day it extends from. */
  fromDueDay: Day | null;
  /** For an extension link: it already bought its one extension. */
  used: boolean;
  /** What the link received before this deposit while it was live (a link may be paid in several transfers). */
  receivedBefore: Minor;
  /** The link's earlier live deposits booked as repayments only because each alone was short of its price. */
  shortBefore: EarlierDeposit[];
}

/** A deposit already booked on a bill, with what it paid. */
export interface EarlierDeposit {
  /** Its settlement. */
  id: number;
  amount: Minor;
  parts: Allocation;
}

export interface IncomingMoney {
  amount: Minor;
  purpose: Purpose;
  /** The business day of the moment the borrower paid. */
  day: Day;
  frozen: FrozenPrice | null;
}

export interface SettlementPlan {
  /** What the money did: its purpose, or `repay` when that could no longer apply. */
  purpose: Purpose;
  parts: Allocation;
  /** The bill's new values for the columns that change. */
  billChange: Partial<Ledger>;
  loanMove: 'repaid' | 'cancelled' | null;
  /** The bill was paid off with no day overdue (the quota may grow). */
  onTime: boolean;
  /** Why the money was booked as a repayment instead of its purpose (an i18n key the borrower reads), or null. */
  redirected: string | null;
  /** Earlier deposits of the same link that now count for its purpose, with their new parts. */
  rewrites: Array<{ id: number; purpose: Purpose; parts: Allocation }>;
  /** Late fee paid earlier beyond what had accrued at this payment's moment, moved to excess (refundable). */
  overdueToExcess: Minor;
}

function factsOf(bill: SettlingBill): BillFacts {
  return {
    principal: bill.principal,
    repayInterest: bill.repayInterest,
    dueDay: bill.dueDay,
    delayCount: bill.delayCount,
    delayUnpaid: bill.delayUnpaid,
    overduePaid: bill.overduePaid,
    overdueCleared: bill.overdueCleared,
    interestPaid: bill.interestPaid,
    principalPaid: bill.principalPaid,
    repaid: bill.status !== 'open',
  };
}

/**
 * The day a payment is priced on: the day its link froze the price when the
 * link has received at least that amount (this deposit counted with the
 * link's earlier ones) before it expired (the link's promise is honoured),
 * else the day the borrower paid.
 */
export function pricingDay(money: IncomingMoney, counted: Minor = money.amount): Day {
  const f = money.frozen;
  return f && f.live && counted >= f.amount ? Math.min(f.pricedDay, money.day) : money.day;
}

/** Money sent to a link counted with what the link received before, while live. */
function linkTotal(money: IncomingMoney): Minor {
  return money.amount + (money.frozen?.live ? money.frozen.receivedBefore : 0);
}

/**
 * A repayment: overdue fee first, then repay interest, unpaid delays and
 * principal; the rest is excess, kept for a refund. Paying everything owed
 * closes the bill and the loan.
 */
export function settleRepay(bill: SettlingBill, loan: SettlingLoan, money: IncomingMoney, redirected: string | null = null): SettlementPlan {
  const day = redirected ? money.day : pricingDay(money, linkTotal(money));
  let facts = factsOf(bill);
  let state = billState(facts, day, loan);
  // A late fee booked earlier beyond what had accrued at this moment (a later payment that
  // arrived first) is not owed when this payment pays the bill off: it becomes excess.
  let overdueToExcess = 0;
  const surplus = bill.status === 'open' ? Math.max(0, bill.overduePaid - state.overdueFee) : 0;
  if (surplus > 0) {
    const eased = { ...facts, overduePaid: bill.overduePaid - surplus };
    const easedState = billState(eased, day, loan);
    if (easedState.needRepayMoney > 0 && money.amount >= easedState.needRepayMoney) {
      facts = eased;
      state = easedState;
      overdueToExcess = surplus;
    }
  }
  const parts = allocate(money.amount, state.owed);
  const paidOff = bill.status === 'open' && state.needRepayMoney > 0 && money.amount >= state.needRepayMoney;
  return {
    purpose: 'repay',
    parts,
    billChange: {
      overduePaid: facts.overduePaid + parts.overdue,
      interestPaid: bill.interestPaid + parts.interest,
      delayPaid: bill.delayPaid + parts.delay,
      delayUnpaid: bill.delayUnpaid - parts.delay,
      principalPaid: bill.principalPaid + parts.principal,
      excessPaid: bill.excessPaid + overdueToExcess + parts.excess,
      ...(paidOff ? { status: 'repaid' as const } : {}),
    },
    loanMove: paidOff ? 'repaid' : null,
    onTime: paidOff && state.overdueDays === 0,
    redirected,
    rewrites: [],
    overdueToExcess,
  };
}

/**
 * An extension: the due day moves by the loan's term from the due day the
 * link was priced against, the late fee so far is cleared and one delay is
 * counted. A link buys one extension at most; money that can no longer buy
 * one (used link, moved due day, limit, too late, short) is a repayment.
 */
export function settleDelay(bill: SettlingBill, loan: SettlingLoan, rules: SettlementRules, money: IncomingMoney): SettlementPlan {
  const f = money.frozen;
  if (f && (f.used || (f.fromDueDay !== null && f.fromDueDay !== bill.dueDay))) {
    return settleRepay(bill, loan, money, 'errors.delay_used');
  }
  const day = pricingDay(money);
  const facts = factsOf(bill);
  const q = delayQuote(facts, billState(facts, day, loan), { loanRatePpm: loan.loanRatePpm, term: loan.term }, day, rules.delayMax);
  if (q.refusal) return settleRepay(bill, loan, money, q.refusal);
  if (money.amount < q.total) return settleRepay(bill, loan, money, 'errors.delay_short');
  const excess = money.amount - q.total;
  return {
    purpose: 'delay',
    parts: { overdue: q.overdueOwed, interest: 0, delay: q.fee, principal: 0, excess },
    billChange: {
      dueDay: q.newDueDay,
      delayCount: bill.delayCount + 1,
      delayDays: bill.delayDays + loan.term,
      overdueCleared: bill.overdueCleared + bill.overduePaid,
      overduePaid: 0,
      extensionPaid: bill.extensionPaid + q.total,
      excessPaid: bill.excessPaid + excess,
    },
    loanMove: null,
    onTime: false,
    redirected: null,
    rewrites: [],
    overdueToExcess: 0,
  };
}

/**
 * A cooling-off return: the amount received plus repay interest for the days
 * held; the fee is waived and the bill and loan close as cancelled. Money for
 * a return that can no longer apply (period over, paid since, short) is a
 * repayment.
 */
export function settleExit(bill: SettlingBill, loan: SettlingLoan, rules: SettlementRules, money: IncomingMoney): SettlementPlan {
  const day = pricingDay(money);
  const q = exitQuote(
    { principal: bill.principal, startDay: bill.startDay, open: bill.status === 'open', paidAnything: bill.paidBefore },
    { received: loan.received, repayRatePpm: loan.repayRatePpm },
    day,
    rules.coolingOffDays,
  );
  if (q.refusal) return settleRepay(bill, loan, money, q.refusal);
  if (money.amount < q.amount) return settleRepay(bill, loan, money, 'errors.exit_short');
  const excess = money.amount - q.amount;
  return {
    purpose: 'exit',
    parts: { overdue: 0, interest: q.interest, delay: 0, principal: loan.received, excess },
    billChange: {
      interestPaid: bill.interestPaid + q.interest,
      principalPaid: bill.principalPaid + loan.received,
      excessPaid: bill.excessPaid + excess,
      status: 'cancelled',
    },
    loanMove: 'cancelled',
    onTime: false,
    redirected: null,
    rewrites: [],
    overdueToExcess: 0,
  };
}

type PurposeRule = (bill: SettlingBill, loan: SettlingLoan, rules: SettlementRules, money: IncomingMoney) => SettlementPlan;

/**
 * An extension or a return paid in several transfers to one live link: when
 * this deposit and the link's earlier short ones reach its price together,
 * the purpose applies to all of them (the earlier ones, booked as repayments,
 * are taken back off the bill and re-split); otherwise this deposit alone is
 * settled by the purpose's rule.
 */
function settleLinkDeposits(rule: PurposeRule, bill: SettlingBill, loan: SettlingLoan, rules: SettlementRules, money: IncomingMoney): SettlementPlan {
  const f = money.frozen;
  const prior = f?.live ? f.shortBefore : [];
  if (prior.length > 0 && bill.status === 'open') {
    const base = unbook(bill, prior);
    if (base) {
      const total = prior.reduce((sum, p) => sum + p.amount, money.amount);
      const whole = rule(base, loan, rules, { ...money, amount: total });
      if (whole.purpose === money.purpose) {
        const split = splitParts(whole.parts, [...prior.map((p) => p.amount), money.amount]);
        return {
          ...whole,
          parts: split[prior.length]!,
          billChange: { ...ledgerChanges(bill, base), ...whole.billChange },
          rewrites: prior.map((p, i) => ({ id: p.id, purpose: money.purpose, parts: split[i]! })),
        };
      }
    }
  }
  return rule(bill, loan, rules, money);
}

/** The bill as if the given deposits had never been booked, or null when that cannot be (something moved since). */
export function unbook(bill: SettlingBill, deposits: EarlierDeposit[]): SettlingBill | null {
  const sum = (k: keyof Allocation) => deposits.reduce((s, d) => s + d.parts[k], 0);
  const base: SettlingBill = {
    ...bill,
    overduePaid: bill.overduePaid - sum('overdue'),
    interestPaid: bill.interestPaid - sum('interest'),
    delayPaid: bill.delayPaid - sum('delay'),
    delayUnpaid: bill.delayUnpaid + sum('delay'),
    principalPaid: bill.principalPaid - sum('principal'),
    excessPaid: bill.excessPaid - sum('excess'),
    paidBefore: bill.paidBefore,
  };
  const ok = [base.overduePaid, base.interestPaid, base.delayPaid, base.principalPaid, base.excessPaid].every((v) => v >= 0);
  return ok ? base : null;
}

/** The ledger columns whose value differs between two versions of a bill. */
function ledgerChanges(from: Ledger, to: Ledger): Partial<Ledger> {
  const keys: Array<keyof Ledger> = ['overduePaid', 'interestPaid', 'delayPaid', 'delayUnpaid', 'principalPaid', 'excessPaid'];
  return Object.fromEntries(keys.filter((k) => from[k] !== to[k]).map((k) => [k, to[k]]));
}

/** Splits one allocation over several deposits in order, each taking its amount from the parts in allocation order. */
export function splitParts(total: Allocation, amounts: Minor[]): Allocation[] {
  const order: Array<keyof Allocation> = ['overdue', 'interest', 'delay', 'principal', 'excess'];
  const left = { ...total };
  return amounts.map((amount) => {
    const part: Allocation = { overdue: 0, interest: 0, delay: 0, principal: 0, excess: 0 };
    let need = amount;
    for (const k of order) {
      const take = Math.min(need, left[k]);
      part[k] = take;
      left[k] -= take;
      need -= take;
    }
    part.excess += need;
    return part;
  });
}

/** What money sent for `money.purpose` does to a bill, priced at the moment the borrower paid. */
export function planSettlement(bill: SettlingBill, loan: SettlingLoan, rules: SettlementRules, money: IncomingMoney): SettlementPlan {
  if (money.purpose === 'delay') return settleLinkDeposits(settleDelay, bill, loan, rules, money);
  if (money.purpose === 'exit') return settleLinkDeposits(settleExit, bill, loan, rules, money);
  return settleRepay(bill, loan, money);
}

/**
 * The moment that counts for a provider's payment: the time it says the
 * borrower paid, never later than it told us nor earlier than the reference
 * existed (a clock skew or a forged time cannot move the price).
 */
export function paymentMoment(paidAt: number | null, issuedAt: number, receivedAt: number): number {
  const claimed = paidAt ?? receivedAt;
  return Math.min(receivedAt, Math.max(issuedAt, claimed));
}

/** The quota after an on-time repayment: one step more, up to the maximum (a quota already above it stays). */
export function grownQuota(quota: Minor, growth: { step: Minor; max: Minor }): Minor {
  return Math.min(quota + growth.step, Math.max(growth.max, quota));
}

/**
 * The moment an approved proof is priced at: when it was sent, or, when staff
 * read another transfer date on it, the end of that day (never after the
 * proof was sent). Null when that date is after the proof was sent or before
 * the loan was disbursed.
 */
export function proofMoment(submittedAt: number, transferDay: Day | null, startDay: Day, timeZone: string): number | null {
  if (transferDay === null) return submittedAt;
  if (transferDay > dayOf(submittedAt, timeZone) || transferDay < startDay) return null;
  return Math.min(submittedAt, startOfDay(transferDay + 1, timeZone) - 1);
}
