import type { BillFacts, BillState } from './bill.ts';
import type { Day } from './calendar.ts';
import { rateOf } from './fees.ts';
import type { Minor } from './money.ts';

export interface DelayQuote {
  /** Spec `delayFee`: principal x loan rate x delay term. */
  fee: Minor;
  /** The late fee owed now, which the extension clears. */
  overdueOwed: Minor;
  /** What buying the extension costs now. */
  total: Minor;
  newDueDay: Day;
  /** Why an extension cannot be bought now (an i18n key), or null. */
  refusal: string | null;
}

/**
 * The price and effect of one extension: the due day moves by the loan's term,
 * counted from the old due day, and the late fee so far is cleared. Offered
 * only while the new due day is still ahead and fewer than `maxDelays` were used.
 */
export function delayQuote(
  bill: Pick<BillFacts, 'principal' | 'dueDay' | 'delayCount' | 'repaid'>,
  state: Pick<BillState, 'owed'>,
  loan: { loanRatePpm: number; term: number },
  today: Day,
  maxDelays: number,
): DelayQuote {
  const fee = rateOf(bill.principal, loan.loanRatePpm, loan.term);
  const newDueDay = bill.dueDay + loan.term;
  const refusal = bill.repaid
    ? 'errors.delay_repaid'
    : bill.delayCount >= maxDelays
      ? 'errors.delay_limit'
      : newDueDay <= today
        ? 'errors.delay_too_late'
        : null;
  return { fee, overdueOwed: state.owed.overdue, total: fee + state.owed.overdue, newDueDay, refusal };
}
