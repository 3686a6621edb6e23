// The automatic review of a confirmed application.
import type { Minor } from './money.ts';

export type ReviewOutcome = { approve: true } | { approve: false; code: string };

/** Approve when the amount fits the quota and nothing else is owed; else the reason's code. */
export function reviewRule(principal: Minor, quota: Minor, otherOpenLoans: number): ReviewOutcome {
  if (principal > quota) return { approve: false, code: 'over_quota' };
  if (otherOpenLoans > 0) return { approve: false, code: 'unpaid_loan' };
  return { approve: true };
}
