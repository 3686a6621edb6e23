/** A loan's life. Any move not listed here is refused, never written silently. */
export const LOAN_STATES = ['awaiting_confirmation', 'in_review', 'rejected', 'paying_out', 'payout_failed', 'disbursed', 'repaid', 'cancelled'] as const;
export type LoanState = (typeof LOAN_STATES)[number];

const ALLOWED: Record<LoanState, readonly LoanState[]> = {
  awaiting_confirmation: ['in_review'],
  // Approval sends the money (paying_out); it is owed only once the provider confirms it arrived (disbursed).
  in_review: ['rejected', 'paying_out'],
  rejected: [],
  paying_out: ['disbursed', 'payout_failed'],
  // The borrower picks an account and the payout is retried.
  payout_failed: ['paying_out'],
  // cancelled: returned by the borrower within the cooling-off days; payout_failed: the money bounced back.
  disbursed: ['repaid', 'cancelled', 'payout_failed'],
  repaid: [],
  cancelled: [],
};

/** States in which a loan blocks another application (one open loan per borrower). */
export const OPEN_STATES: readonly LoanState[] = ['awaiting_confirmation', 'in_review', 'paying_out', 'payout_failed', 'disbursed'];

/** States in which the money has not reached the borrower: nothing is owed. */
export const PAYOUT_STATES: readonly LoanState[] = ['paying_out', 'payout_failed'];

/** Raised for a transition the state machine does not allow. */
export class TransitionError extends Error {
  constructor(
    readonly from: LoanState,
    readonly to: LoanState,
  ) {
    super(`a loan cannot go from ${from} to ${to}`);
    this.name = 'TransitionError';
  }
}

export function canTransition(from: LoanState, to: LoanState): boolean {
  return ALLOWED[from].includes(to);
}

/** Returns `to` when the move is allowed; throws TransitionError otherwise. */
export function transition(from: LoanState, to: LoanState): LoanState {
  if (!canTransition(from, to)) throw new TransitionError(from, to);
  return to;
}

/** The code a rejected application shows the app: one the spec leaves unused (it lists -100, 0, 1, 2, 4). */
export const APP_REJECTED = 3;

/**
 * The `status` the spec's Repay/loans carries for the borrower's newest loan.
 * The spec knows -100 (signed out, set elsewhere), 0 unpaid, 1 overdue,
 * 2 repaid and 4 extended. Nothing borrowed yet, a repaid and a returned loan
 * owe nothing (2, the app offers a new loan); a loan awaiting confirmation or
 * in review is 0 (with `confirm` telling them apart); a disbursed bill gives
 * its own code; a rejected application is 3, a code the spec leaves unused,
 * so it never reads as repaid (nor as money owed).
 */
export function appStatus(loan: LoanState | undefined, bill: { status: number } | undefined): number {
  if (loan === undefined || loan === 'repaid' || loan === 'cancelled') return 2;
  if (loan === 'rejected') return APP_REJECTED;
  if (loan === 'disbursed') return bill?.status ?? 0;
  return 0;
}
