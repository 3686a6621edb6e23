import type { Day } from './calendar.ts';
import { daysOverdue, overdueFee, type Product } from './fees.ts';
import type { Minor } from './money.ts';

/** What a bill records; everything else about it is derived at read time. */
export interface BillFacts {
  principal: Minor;
  repayInterest: Minor;
  dueDay: Day;
  delayCount: number;
  delayUnpaid: Minor;
  overduePaid: Minor;
  /** Late fees paid in due periods an extension has since closed. */
  overdueCleared: Minor;
  interestPaid: Minor;
  principalPaid: Minor;
  repaid: boolean;
}

/** The spec's bill status codes. */
export const BILL_STATUS = { unpaid: 0, overdue: 1, repaid: 2, delayed: 4 } as const;
export type BillStatusCode = (typeof BILL_STATUS)[keyof typeof BILL_STATUS];

export interface BillState {
  status: BillStatusCode;
  overdueDays: number;
  /** The whole overdue fee accrued for the current due day, paid or not. */
  overdueFee: Minor;
  owed: { overdue: Minor; interest: Minor; delay: Minor; principal: Minor };
  /** Spec needRepayMoney: everything still owed today. */
  needRepayMoney: Minor;
  repaidTotal: Minor;
}

/** A bill as of `today`: its status, its overdue fee and what is still owed, part by part. */
export function billState(bill: BillFacts, today: Day, product: Pick<Product, 'overdueRatePpm' | 'overdueCapPpm'>): BillState {
  const repaidTotal = bill.overduePaid + bill.overdueCleared + bill.interestPaid + bill.principalPaid;
  if (bill.repaid) {
    return {
      status: BILL_STATUS.repaid,
      overdueDays: 0,
      overdueFee: bill.overduePaid,
      owed: { overdue: 0, interest: 0, delay: 0, principal: 0 },
      needRepayMoney: 0,
      repaidTotal,
    };
  }
  const days = daysOverdue(bill.dueDay, today);
  const fee = overdueFee(bill.principal, days, product);
  const owed = {
    overdue: Math.max(0, fee - bill.overduePaid),
    interest: Math.max(0, bill.repayInterest - bill.interestPaid),
    delay: bill.delayUnpaid,
    principal: Math.max(0, bill.principal - bill.principalPaid),
  };
  const status = days > 0 ? BILL_STATUS.overdue : bill.delayCount > 0 ? BILL_STATUS.delayed : BILL_STATUS.unpaid;
  return {
    status,
    overdueDays: days,
    overdueFee: fee,
    owed,
    needRepayMoney: owed.overdue + owed.interest + owed.delay + owed.principal,
    repaidTotal,
  };
}

export interface Allocation {
  overdue: Minor;
  interest: Minor;
  delay: Minor;
  principal: Minor;
  /** Money beyond what was owed: recorded for a refund, never lost. */
  excess: Minor;
}

/** Splits a payment over what is owed: overdue fee first, then repay interest, unpaid delays, principal. */
export function allocate(amount: Minor, owed: BillState['owed']): Allocation {
  let left = amount;
  const take = (due: Minor) => {
    const part = Math.min(left, due);
    left -= part;
    return part;
  };
  const overdue = take(owed.overdue);
  const interest = take(owed.interest);
  const delay = take(owed.delay);
  const principal = take(owed.principal);
  return { overdue, interest, delay, principal, excess: left };
}

/**
 * What a closed (repaid or returned) bill makes of what was still waiting to
 * pay it: an unpaid transfer reference or a proof in review is no longer
 * needed. Read side only: approving such a proof is still refused by the
 * proof service, and settlement is unchanged.
 */
export function onceClosed<S extends string>(state: S, billClosed: boolean): S | 'not_needed' {
  return billClosed && state === 'pending' ? 'not_needed' : state;
}
