import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Db } from '../data/db.ts';
import { billOfLoan, billsOfLoans } from '../data/repositories/bills.ts';
import { findOwnLoanByOid, loansOf, newestLoan } from '../data/repositories/loans.ts';
import { settlementsOfBill, type SettlementRow } from '../data/repositories/settlements.ts';
import { notFound } from '../errors.ts';
import { type PayoutRow, payoutsOfLoan } from '../data/repositories/payouts.ts';
import { PAYOUT_STATES } from '../domain/loan-status.ts';
import { type LoanSnapshot, snapshot } from '../snapshots/loans.ts';

type ReadConfig = Pick<Config, 'timeZone'>;

/** The borrower's newest loan and its bill as of now, or undefined before their first application. */
export async function currentLoan(db: Db, clock: Clock, config: ReadConfig, borrowerId: number): Promise<LoanSnapshot | undefined> {
  const loan = await newestLoan(db, borrowerId);
  if (!loan) return undefined;
  return snapshot(loan, await billOfLoan(db, loan.id), clock.now(), config.timeZone);
}

/** Every loan of the borrower, newest first, each with its bill as of now (two queries). */
export async function allLoans(db: Db, clock: Clock, config: ReadConfig, borrowerId: number): Promise<LoanSnapshot[]> {
  const loans = await loansOf(db, borrowerId);
  const bills = new Map((await billsOfLoans(db, loans.map((l) => l.id))).map((b) => [b.loan_id, b]));
  const now = clock.now();
  return loans.map((loan) => snapshot(loan, bills.get(loan.id), now, config.timeZone));
}

/**
 * One of the borrower's own disbursed loans by order number, with its
 * settlements and payouts (first attempt first). Another borrower's loan, an unknown number and a loan without
 * a bill all answer the same 404.
 */
export async function ownLoanDetail(
  db: Db,
  clock: Clock,
  config: ReadConfig,
  borrowerId: number,
  oid: string,
): Promise<{ current: LoanSnapshot; settlements: readonly SettlementRow[]; payouts: PayoutRow[] }> {
  const loan = await findOwnLoanByOid(db, borrowerId, oid);
  const bill = loan && (await billOfLoan(db, loan.id));
  // While its money is on its way again (a returned payout) the loan has no bill to show: its page is /Loan/payout.
  if (!loan || !bill || PAYOUT_STATES.includes(loan.status)) throw notFound();
  const payouts = [...(await payoutsOfLoan(db, loan.id))].reverse();
  return { current: snapshot(loan, bill, clock.now(), config.timeZone), settlements: await settlementsOfBill(db, bill.id), payouts };
}

/** One of the borrower's own loans by order number, with its bill if it has one (else 404, as for another borrower's). */
export async function ownLoan(db: Db, clock: Clock, config: ReadConfig, borrowerId: number, oid: string): Promise<LoanSnapshot> {
  const loan = await findOwnLoanByOid(db, borrowerId, oid);
  if (!loan) throw notFound();
  return snapshot(loan, await billOfLoan(db, loan.id), clock.now(), config.timeZone);
}
