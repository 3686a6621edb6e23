/** A loan's life. Any move not listed here is refused, never written silently. */
export const LOAN_STATES = ['awaiting_confirmation', 'in_review', 'rejected', 'disbursed', 'repaid', 'cancelled'] as const;
export type LoanState = (typeof LOAN_STATES)[number];

const ALLOWED: Record<LoanState, readonly LoanState[]> = {
  awaiting_confirmation: ['in_review'],
  in_review: ['rejected', 'disbursed'],
  rejected: [],
  // cancelled: returned by the borrower within the cooling-off days.
  disbursed: ['repaid', 'cancelled'],
  repaid: [],
  cancelled: [],
};

/** States in which a loan blocks another application (one open loan per borrower). */
export const OPEN_STATES: readonly LoanState[] = ['awaiting_confirmation', 'in_review', 'disbursed'];

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
