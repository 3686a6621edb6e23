// The read shapes of payouts that services hand to presenters.
import type { PayoutListRow } from '../data/repositories/payouts.ts';
import type { Day } from '../domain/calendar.ts';
import type { PayoutDayTotal, PayoutState } from '../domain/payouts.ts';

/** The console's reconciliation of payouts: by state, stuck, and per business day. */
export interface Reconciliation {
  /** Every state, with how many payouts and how much money are in it (zero when none). */
  byState: Array<{ status: PayoutState; count: number; amount: number }>;
  /** Pending longer than PAYOUT_STUCK_MINUTES, oldest first. */
  stuck: PayoutListRow[];
  stuckMinutes: number;
  days: PayoutDayTotal[];
  /** The range's totals: what the provider's statement for those days should add up to. */
  total: Omit<PayoutDayTotal, 'day'>;
  /** The newest payouts (in one state when asked). */
  recent: PayoutListRow[];
  fromDay: Day;
  toDay: Day;
  today: Day;
}
