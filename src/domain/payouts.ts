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

/** The idempotency key of a loan's n-th payout attempt: the same attempt is never sent as two transfers. */
export function payoutKey(loanId: number, attempt: number): string {
  return `loan-${loanId}-payout-${attempt}`;
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
