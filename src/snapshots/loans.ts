// What a loan's rows mean at a moment: read by services, handed to presenters (which only receive them).
import type { BillRow } from '../data/repositories/bills.ts';
import type { LoanRow } from '../data/repositories/loans.ts';
import { type BillFacts, billState, type BillState } from '../domain/bill.ts';
import { dayOf } from '../domain/calendar.ts';
import type { BillExtension } from '../domain/delay.ts';
import { PAYOUT_STATES } from '../domain/loan-status.ts';

/** The facts of a bill the domain needs, with the overdue terms frozen on its loan. */
export function billFacts(bill: BillRow): BillFacts {
  return {
    principal: bill.principal,
    repayInterest: bill.repay_interest,
    dueDay: bill.due_day,
    delayCount: bill.delay_count,
    delayUnpaid: bill.delay_unpaid,
    overduePaid: bill.overdue_paid,
    overdueCleared: bill.overdue_cleared,
    interestPaid: bill.interest_paid,
    principalPaid: bill.principal_paid,
    // A returned (cancelled) bill asks for nothing more, like a repaid one.
    repaid: bill.status !== 'open',
  };
}

/** The columns of a bill an extension put on it changes (DELAY_MODE=on_bill). */
export function billExtension(bill: BillRow): BillExtension {
  return {
    dueDay: bill.due_day,
    delayCount: bill.delay_count,
    delayDays: bill.delay_days,
    delayUnpaid: bill.delay_unpaid,
    overduePaid: bill.overdue_paid,
    overdueCleared: bill.overdue_cleared,
  };
}

/** A bill's state today, by the business calendar and its loan's frozen overdue terms. */
export function stateOf(bill: BillRow, loan: Pick<LoanRow, 'overdue_rate_ppm' | 'overdue_cap_ppm'>, now: Date, timeZone: string): BillState {
  return billState(billFacts(bill), dayOf(now.getTime(), timeZone), {
    overdueRatePpm: loan.overdue_rate_ppm,
    overdueCapPpm: loan.overdue_cap_ppm,
  });
}

/** One loan with its bill (if disbursed) as of now. */
export interface LoanSnapshot {
  loan: LoanRow;
  bill: BillRow | undefined;
  state: BillState | undefined;
  dueDay: number;
}

/** Reads a loan's numbers at `now`: its bill state, or for a loan not yet disbursed the due day it would get today. */
export function snapshot(loan: LoanRow, billRow: BillRow | undefined, now: Date, timeZone: string): LoanSnapshot {
  // While the money is on its way or came back, nothing is owed: a bill cancelled by a returned payout is not shown.
  const bill = PAYOUT_STATES.includes(loan.status) ? undefined : billRow;
  return {
    loan,
    bill,
    state: bill ? stateOf(bill, loan, now, timeZone) : undefined,
    dueDay: bill ? bill.due_day : dayOf(now.getTime(), timeZone) + loan.term_days,
  };
}
