import type { Day } from './calendar.ts';
import { rateOf } from './fees.ts';
import type { Minor } from './money.ts';

export interface ExitQuote {
  /** Days the borrower has had the money, counting the disbursement day: 1 on that day, 2 the next. */
  daysHeld: number;
  /** Repay interest for those days: principal x repay rate x days held. */
  interest: Minor;
  /** What returning the loan costs now: the amount received plus that interest. */
  amount: Minor;
  /** Waived: the fee deducted at disbursement (what was owed beyond the exit amount). */
  waived: Minor;
  /** The last day the loan may be returned. */
  lastDay: Day;
  /** Why the loan cannot be returned now (an i18n key), or null. */
  refusal: string | null;
}

/**
 * The cooling-off exit: within `coolingOffDays` days of disbursement a
 * borrower who has paid nothing yet may give the money back, paying only the
 * amount received plus repay interest for the days held; the fee and every
 * penalty are waived and the loan closes as cancelled.
 */
export function exitQuote(
  bill: { principal: Minor; startDay: Day; open: boolean; paidAnything: boolean },
  loan: { received: Minor; repayRatePpm: number },
  today: Day,
  coolingOffDays: number,
): ExitQuote {
  const daysHeld = Math.max(1, today - bill.startDay + 1);
  const interest = rateOf(bill.principal, loan.repayRatePpm, daysHeld);
  const amount = loan.received + interest;
  const lastDay = bill.startDay + coolingOffDays;
  const refusal = !bill.open
    ? 'errors.exit_closed'
    : bill.paidAnything
      ? 'errors.exit_after_payment'
      : coolingOffDays === 0 || today > lastDay
        ? 'errors.exit_expired'
        : null;
  return { daysHeld, interest, amount, waived: bill.principal + interest - amount, lastDay, refusal };
}
