// Payouts: their states, the moves between them, and what a returned payout does to the bill. Pure.

export const PAYOUT_STATES = ['pending', 'paid', 'failed', 'returned'] as const;
export type PayoutState = (typeof PAYOUT_STATES)[number];

const ALLOWED: Record<PayoutState, readonly PayoutState[]> = {
  // The provider confirms the money arrived, or says it could not be sent.
  pending: ['paid', 'failed'],
  // Money can bounce back days after it arrived (closed or blocked account).
  paid: ['returned'],
  failed: [],
  returned: [],
};

export function canMovePayout(from: PayoutState, to: PayoutState): boolean {
  return ALLOWED[from].includes(to);
}

/** What a provider may report about a payout. */
export type PayoutReport = 'paid' | 'failed' | 'returned';

/** The payout state a report moves to, and the only state it may move from. */
export function reportMove(report: PayoutReport): { from: PayoutState; to: PayoutState } {
  if (report === 'paid') return { from: 'pending', to: 'paid' };
  if (report === 'failed') return { from: 'pending', to: 'failed' };
  return { from: 'paid', to: 'returned' };
}

/**
 * The idempotency key of a loan's n-th payout attempt: the same attempt is never sent as two transfers.
 * Named by the loan's public order number (time and random digits), not its row id: a row id comes
 * again in another database (a restored backup, staging on the same provider account), and the
 * provider would answer that loan's payout with the earlier transfer instead of sending one.
 */
export function payoutKey(loanOid: string, attempt: number): string {
  return `loan-${loanOid}-payout-${attempt}`;
}

interface PaidParts {
  overdue_paid: number;
  interest_paid: number;
  delay_paid: number;
  principal_paid: number;
  excess_paid: number;
  extension_paid?: number;
}

/**
 * A payout that came back leaves no debt: the bill is cancelled, and whatever
 * the borrower had already paid on it is owed back to them (refund_due),
 * unless a retried payout arrives, when the bill starts again from that
 * arrival and what was paid counts towards it.
 */
export function afterReturn(bill: PaidParts): { billStatus: 'cancelled'; refundDue: number } {
  const paid = bill.overdue_paid + bill.interest_paid + bill.delay_paid + bill.principal_paid + bill.excess_paid + (bill.extension_paid ?? 0);
  return { billStatus: 'cancelled', refundDue: paid };
}

/** Whether a payout still pending since `createdAt` counts as stuck at `now`. */
export function isStuck(status: PayoutState, createdAt: number, now: number, stuckMs: number): boolean {
  return status === 'pending' && now - createdAt > stuckMs;
}

/** One business day of the provider's statement: what arrived that day, what came back, and the difference. */
export interface PayoutDayTotal {
  day: number;
  paidCount: number;
  paidAmount: number;
  returnedCount: number;
  returnedAmount: number;
  net: number;
}

/** The longest range the reconciliation page totals at once, in days. */
export const RECONCILE_MAX_DAYS = 92;

/**
 * Per-day totals from `fromDay` to `toDay` (inclusive, business calendar
 * days), every day listed even when nothing moved, so the rows line up with a
 * provider's daily statement. A payout counts on the day the provider
 * confirmed it arrived (`paid_at`), whatever happened later; a returned one
 * counts again, as money back, on the day it came back (`returned_at`).
 */
export function dailyTotals(
  rows: ReadonlyArray<{ amount: number; paid_at: number | null; returned_at: number | null }>,
  fromDay: number,
  toDay: number,
  dayOf: (ms: number) => number,
): PayoutDayTotal[] {
  const days = new Map<number, PayoutDayTotal>();
  for (let d = fromDay; d <= toDay; d++) days.set(d, { day: d, paidCount: 0, paidAmount: 0, returnedCount: 0, returnedAmount: 0, net: 0 });
  for (const r of rows) {
    const paid = r.paid_at === null ? undefined : days.get(dayOf(r.paid_at));
    if (paid) {
      paid.paidCount += 1;
      paid.paidAmount += Number(r.amount);
      paid.net += Number(r.amount);
    }
    const back = r.returned_at === null ? undefined : days.get(dayOf(r.returned_at));
    if (back) {
      back.returnedCount += 1;
      back.returnedAmount += Number(r.amount);
      back.net -= Number(r.amount);
    }
  }
  return [...days.values()];
}
