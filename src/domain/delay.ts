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

/** What an extension put on the bill changes (DELAY_MODE=on_bill). */
export interface BillExtension {
  dueDay: Day;
  delayCount: number;
  delayDays: number;
  /** Unpaid extensions: the price and the late fee so far, now part of what is owed. */
  delayUnpaid: Minor;
  /** Late fees paid in the due period the extension closes move to `overdueCleared`. */
  overduePaid: Minor;
  overdueCleared: Minor;
}

// Two taps within this long are one request (the app's button, a retried call).
export const REPEAT_WINDOW_MS = 60_000;

/**
 * DELAY_MODE=on_bill, as the spec's ajaxDelay: the due day moves at once by
 * the loan's term (from the old due day) and the extension's price, with the
 * late fee accrued so far, is added to the bill's unpaid delays instead of
 * being paid first. It never reduces what is owed. Refused exactly when a
 * prepaid extension would be (repaid, limit, too late); a second call within
 * REPEAT_WINDOW_MS of the last extension is the same request and changes nothing.
 */
export function extendOnBill(
  bill: Pick<BillFacts, 'dueDay' | 'delayCount' | 'delayUnpaid' | 'overduePaid' | 'overdueCleared'> & { delayDays: number; delayedAt: number | null },
  q: DelayQuote,
  term: number,
  now: number,
): { refusal: string } | { repeat: true } | { change: BillExtension } {
  if (q.refusal === 'errors.delay_repaid') return { refusal: q.refusal };
  if (bill.delayedAt !== null && now >= bill.delayedAt && now - bill.delayedAt < REPEAT_WINDOW_MS) return { repeat: true };
  if (q.refusal) return { refusal: q.refusal };
  return {
    change: {
      dueDay: q.newDueDay,
      delayCount: bill.delayCount + 1,
      delayDays: bill.delayDays + term,
      delayUnpaid: bill.delayUnpaid + q.total,
      overduePaid: 0,
      overdueCleared: bill.overdueCleared + bill.overduePaid,
    },
  };
}
