import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Db } from '../data/db.ts';
import { findBillForUpdate, updateBill } from '../data/repositories/bills.ts';
import { findLoan } from '../data/repositories/loans.ts';
import { extendOnBill } from '../domain/delay.ts';
import { AppError, notFound } from '../errors.ts';
import { billExtension } from '../snapshots/loans.ts';
import { quoteDelay } from './settlement.ts';

/**
 * Repay/ajaxDelay with DELAY_MODE=on_bill: puts one extension on the bill in
 * one transaction (the bill row locked on PostgreSQL, a version check
 * everywhere): the due day moves now and the price is added to what is owed.
 * A refused extension answers 409 with the reason; a repeated tap changes
 * nothing and answers like the first.
 */
export async function extendBillOnCredit(
  db: Db,
  clock: Clock,
  config: Pick<Config, 'timeZone' | 'delayMax'>,
  billId: number,
): Promise<{ extended: boolean }> {
  return db.transaction(async (trx) => {
    const now = clock.now();
    const bill = await findBillForUpdate(trx, billId);
    const loan = bill && (await findLoan(trx, bill.loan_id));
    if (!bill || !loan) throw notFound();
    const q = quoteDelay(bill, loan, now, config);
    const outcome = extendOnBill({ ...billExtension(bill), delayedAt: bill.delayed_at }, q, loan.term_days, now.getTime());
    if ('refusal' in outcome) throw new AppError(409, 'delay_refused', outcome.refusal);
    if ('repeat' in outcome) return { extended: false };
    const c = outcome.change;
    const written = await updateBill(trx, bill.id, bill.version, {
      due_day: c.dueDay,
      delay_count: c.delayCount,
      delay_days: c.delayDays,
      delay_unpaid: c.delayUnpaid,
      overdue_paid: c.overduePaid,
      overdue_cleared: c.overdueCleared,
      delayed_at: now.getTime(),
    });
    // Only a concurrent writer on SQLite's shared cache could get here; the caller may simply ask again.
    if (!written) throw new AppError(409, 'delay_refused', 'errors.try_again');
    return { extended: true };
  });
}
