// The console's payout reconciliation: payouts by state, the stuck ones, per-day totals and the CSV rows.
import type { Clock } from '../../clock.ts';
import type { Config } from '../../config.ts';
import type { Db } from '../../data/db.ts';
import { arrivedOrReturnedBetween, listPayouts, payoutCounts, pendingSince, payoutsTouchedBetween, type PayoutListRow } from '../../data/repositories/payouts.ts';
import { type Day, dayOf, startOfDay } from '../../domain/calendar.ts';
import { dailyTotals, PAYOUT_STATES, type PayoutState } from '../../domain/payouts.ts';
import type { Reconciliation } from '../../snapshots/payouts.ts';

type ReconcileConfig = Pick<Config, 'timeZone' | 'payouts'>;


/** The reconciliation page's facts for business days `fromDay`..`toDay` (inclusive). */
export async function reconcilePayouts(
  db: Db,
  clock: Clock,
  config: ReconcileConfig,
  range: { fromDay: Day; toDay: Day },
  status: PayoutState | undefined,
): Promise<Reconciliation> {
  const now = clock.now().getTime();
  const counts = await payoutCounts(db);
  const byState = PAYOUT_STATES.map((s) => {
    const row = counts.find((c) => c.status === s);
    return { status: s, count: Number(row?.n ?? 0), amount: Number(row?.total ?? 0) };
  });
  const rows = await arrivedOrReturnedBetween(db, startOfDay(range.fromDay, config.timeZone), startOfDay(range.toDay + 1, config.timeZone));
  const days = dailyTotals(rows, range.fromDay, range.toDay, (ms) => dayOf(ms, config.timeZone));
  const total = days.reduce(
    (a, d) => ({
      paidCount: a.paidCount + d.paidCount,
      paidAmount: a.paidAmount + d.paidAmount,
      returnedCount: a.returnedCount + d.returnedCount,
      returnedAmount: a.returnedAmount + d.returnedAmount,
      net: a.net + d.net,
    }),
    { paidCount: 0, paidAmount: 0, returnedCount: 0, returnedAmount: 0, net: 0 },
  );
  return {
    byState,
    stuck: await pendingSince(db, now - config.payouts.stuckMs),
    stuckMinutes: config.payouts.stuckMs / 60_000,
    days,
    total,
    recent: await listPayouts(db, status, 100),
    ...range,
    today: dayOf(now, config.timeZone),
  };
}

/** The payouts requested, confirmed, failed or returned on business days `fromDay`..`toDay`: the CSV export's rows. */
export function payoutsForExport(db: Db, config: Pick<Config, 'timeZone'>, range: { fromDay: Day; toDay: Day }): Promise<PayoutListRow[]> {
  return payoutsTouchedBetween(db, startOfDay(range.fromDay, config.timeZone), startOfDay(range.toDay + 1, config.timeZone));
}

/** Today in the business calendar (the range's default end). */
export function businessToday(clock: Clock, config: Pick<Config, 'timeZone'>): Day {
  return dayOf(clock.now().getTime(), config.timeZone);
}
