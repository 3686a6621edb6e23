// Payouts: sending an approved loan's money to the borrower's verified account,
// and what the provider's answers and callbacks do to the loan and its bill.
import type { Logger } from 'pino';
import type { Clock } from '../../clock.ts';
import type { Config } from '../../config.ts';
import { type Db, type Executor, isUniqueViolation } from '../../data/db.ts';
import { accountsOf, defaultAccount, findOwnAccount } from '../../data/repositories/bank-accounts.ts';
import { billOfLoan, findBillForUpdate, insertBill, updateBill } from '../../data/repositories/bills.ts';
import { findLoan, type LoanRow, moveLoan, newestLoan } from '../../data/repositories/loans.ts';
import {
  findPayout,
  findPayoutByKey,
  insertPayout,
  movePayout,
  type PayoutRow,
  payoutsOfLoan,
  recordPayoutEvent,
  setPayoutEventOutcome,
  setProviderRef,
  clearRefundsDue,
} from '../../data/repositories/payouts.ts';
import { dayOf } from '../../domain/calendar.ts';
import { transition } from '../../domain/loan-status.ts';
import { afterReturn, type PayoutReport, payoutKey, reportMove } from '../../domain/payouts.ts';
import { AppError } from '../../errors.ts';
import { accountNumber } from '../bank-accounts.ts';
import { NotificationError } from '../payments/gateway.ts';

/** The bill changed under this transaction (a payment at the same moment): roll back and let the caller try again. */
const billChanged = () => new AppError(409, 'try_again', 'errors.try_again');
import type { PayoutGateway } from './gateway.ts';

export type PayoutConfig = Pick<Config, 'timeZone' | 'market' | 'dataProtection'>;

/**
 * Inside an approval's transaction (the loan just moved to paying_out): the
 * payout row for the amount the borrower receives, to their verified default
 * account, keyed for the provider. Without such an account the loan goes
 * straight to payout_failed (the borrower adds one and retries). The unique
 * index on live payouts refuses a second one for the same loan.
 */
export async function createPayout(trx: Executor, clock: Clock, gateway: PayoutGateway, loan: LoanRow): Promise<PayoutRow | undefined> {
  const now = clock.now().getTime();
  const account = await defaultAccount(trx, loan.borrower_id);
  if (!account || account.status !== 'verified') {
    await moveLoan(trx, loan.id, 'paying_out', transition('paying_out', 'payout_failed'));
    return undefined;
  }
  const attempt = ((await payoutsOfLoan(trx, loan.id))[0]?.attempt ?? 0) + 1;
  const id = await insertPayout(trx, {
    loan_id: loan.id,
    borrower_id: loan.borrower_id,
    bank_account_id: account.id,
    amount: loan.received,
    attempt,
    idempotency_key: payoutKey(loan.oid, attempt),
    provider: gateway.name,
    status: 'pending',
    created_at: now,
  });
  return findPayout(trx, id);
}

/**
 * Sends a pending payout (after the approval's transaction committed: no
 * provider call holds a transaction open) and applies the provider's first
 * answer. A provider that throws leaves the payout pending, to be settled by
 * its callback or found stuck in the console.
 */
export async function dispatchPayout(db: Db, clock: Clock, config: PayoutConfig, gateway: PayoutGateway, payoutId: number, logger?: Logger): Promise<void> {
  const payout = await findPayout(db, payoutId);
  if (!payout || payout.status !== 'pending') return;
  const account = (await findOwnAccount(db, payout.borrower_id, payout.bank_account_id))!;
  let answer;
  try {
    answer = await gateway.send({
      idempotencyKey: payout.idempotency_key,
      amount: payout.amount,
      bankCode: account.bank_code,
      accountNumber: accountNumber(config, account),
      holderName: account.holder_name ?? '',
    });
  } catch (err) {
    logger?.error({ err, payoutId }, 'payout provider did not answer; the payout stays pending');
    return;
  }
  if (answer.status === 'pending') {
    await setProviderRef(db, payout.id, answer.providerRef);
    return;
  }
  await db.transaction((trx) =>
    applyReport(trx, clock, config, payout.id, answer.status === 'paid' ? { status: 'paid', at: answer.at, providerRef: answer.providerRef } : { status: 'failed', at: clock.now().getTime(), reason: answer.reason }),
  );
}

/** Sends the loan's newest pending payout, if any (after an approval or a retry). */
export async function dispatchLoanPayout(db: Db, clock: Clock, config: PayoutConfig, gateway: PayoutGateway, loanId: number, logger?: Logger): Promise<void> {
  const pending = (await payoutsOfLoan(db, loanId)).find((p) => p.status === 'pending');
  if (pending) await dispatchPayout(db, clock, config, gateway, pending.id, logger);
}

/** A report that found the payout already moved: named after the state it is in now (a racing copy may have just moved it). */
async function ignored(trx: Executor, payoutId: number): Promise<string> {
  return `ignored_${(await findPayout(trx, payoutId))!.status}`;
}

type Report = { status: PayoutReport; at: number; providerRef?: string; reason?: string };

/**
 * Applies one provider report to a payout, its loan and bill, in the caller's
 * transaction, with conditional updates only: a report that does not fit the
 * payout's current state (a copy, or paid after failed) changes nothing and
 * answers why.
 */
async function applyReport(trx: Executor, clock: Clock, config: PayoutConfig, payoutId: number, report: Report): Promise<string> {
  const payout = (await findPayout(trx, payoutId))!;
  const { from, to } = reportMove(report.status);
  const now = clock.now().getTime();
  // Never in the future (a provider's clock ahead of ours must not push the due day), nor before
  // the payout was requested (a stale or misread stamp must not start the term in the past).
  const at = Math.max(payout.created_at, Math.min(report.at, now));
  if (report.status === 'paid') {
    if (!(await movePayout(trx, payout.id, from, to, { paid_at: at, provider_ref: report.providerRef ?? payout.provider_ref }))) return ignored(trx, payout.id);
    const loan = (await findLoan(trx, payout.loan_id))!;
    if (!(await moveLoan(trx, loan.id, 'paying_out', transition('paying_out', 'disbursed'), { disbursed_at: at }))) {
      throw new Error(`payout ${payout.id} paid for loan ${loan.id} in ${loan.status}`);
    }
    await startBill(trx, loan, at, config.timeZone);
    return 'paid';
  }
  if (report.status === 'failed') {
    if (!(await movePayout(trx, payout.id, from, to, { failed_at: at, reason: report.reason ?? 'failed' }))) return ignored(trx, payout.id);
    await moveLoan(trx, payout.loan_id, 'paying_out', transition('paying_out', 'payout_failed'));
    return 'failed';
  }
  // Locked (PostgreSQL) before the refund is worked out: a payment settling this bill right now lands first, and is counted.
  const unlocked = await billOfLoan(trx, payout.loan_id);
  const bill = unlocked && (await findBillForUpdate(trx, unlocked.id));
  const rule = afterReturn(bill ?? { overdue_paid: 0, interest_paid: 0, delay_paid: 0, principal_paid: 0, excess_paid: 0 });
  if (!(await movePayout(trx, payout.id, from, to, { returned_at: at, reason: report.reason ?? 'returned', refund_due: rule.refundDue }))) {
    const outcome = await ignored(trx, payout.id);
    // "Returned" overtook "paid" (providers do not promise order): refuse it unrecorded, so its
    // redelivery applies once "paid" did; ignoring it would leave a debt for money that came back.
    if (outcome === 'ignored_pending') throw new NotificationError(409, 'returned_before_paid');
    return outcome;
  }
  // A repaid or cooled-off loan stays as it is; what was paid on it is owed back (refund_due, in the console).
  if (await moveLoan(trx, payout.loan_id, 'disbursed', transition('disbursed', 'payout_failed'))) {
    if (bill && !(await updateBill(trx, bill.id, bill.version, { status: rule.billStatus }))) throw billChanged();
  }
  return 'returned';
}

/**
 * The bill starts when the money arrived: the term and the due day count from
 * that day. A bill cancelled by an earlier returned payout starts again, and
 * what was paid on it counts towards it.
 */
async function startBill(trx: Executor, loan: LoanRow, at: number, timeZone: string): Promise<void> {
  const startDay = dayOf(at, timeZone);
  const existing = await billOfLoan(trx, loan.id);
  if (existing) {
    const restarted = { status: 'open' as const, start_day: startDay, due_day: startDay + loan.term_days + existing.delay_days, created_at: at };
    if (!(await updateBill(trx, existing.id, existing.version, restarted))) throw billChanged();
    await clearRefundsDue(trx, loan.id);
    return;
  }
  await insertBill(trx, {
    loan_id: loan.id,
    borrower_id: loan.borrower_id,
    principal: loan.principal,
    fee: loan.fee,
    repay_interest: loan.repay_interest,
    start_day: startDay,
    due_day: startDay + loan.term_days,
    status: 'open',
    created_at: at,
  });
}

/**
 * The borrower retries a failed payout to their (possibly new) verified
 * default account. Only a loan in payout_failed may retry; the conditional
 * move and the live-payout index let one of two racing retries through.
 */
export async function retryPayout(db: Db, clock: Clock, config: PayoutConfig, gateway: PayoutGateway, borrowerId: number, logger?: Logger): Promise<LoanRow> {
  let payoutId: number | undefined;
  try {
    await db.transaction(async (trx) => {
      const loan = await newestLoan(trx, borrowerId);
      if (!loan || loan.status !== 'payout_failed') throw new AppError(409, 'no_failed_payout', 'errors.no_failed_payout');
      const account = await defaultAccount(trx, borrowerId);
      if (!account || account.status !== 'verified') throw new AppError(409, 'account_needed', 'errors.payout_account_needed');
      if (!(await moveLoan(trx, loan.id, 'payout_failed', transition('payout_failed', 'paying_out')))) {
        throw new AppError(409, 'no_failed_payout', 'errors.no_failed_payout');
      }
      payoutId = (await createPayout(trx, clock, gateway, { ...loan, status: 'paying_out' }))?.id;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError(409, 'no_failed_payout', 'errors.no_failed_payout');
    throw err;
  }
  if (payoutId) await dispatchPayout(db, clock, config, gateway, payoutId, logger);
  return (await newestLoan(db, borrowerId))!;
}

export interface CallbackOutcome {
  status: number;
  outcome: string;
}

/**
 * POST /Payout/notify: a signed provider callback, applied once per event id.
 * The event row and the state change commit together, so 50 copies arriving
 * at once apply once; a copy answers 200 "duplicate". A bad signature or an
 * unknown payout answers 4xx and changes nothing.
 */
export async function handlePayoutCallback(
  db: Db,
  clock: Clock,
  config: PayoutConfig,
  gateway: PayoutGateway,
  logger: Logger,
  raw: string,
  headers: Record<string, string | undefined>,
): Promise<CallbackOutcome> {
  const now = clock.now().getTime();
  let result: CallbackOutcome;
  try {
    const event = gateway.verifyCallback(raw, headers, now);
    const payout = await findPayoutByKey(db, event.idempotencyKey);
    if (!payout || payout.provider !== gateway.name) throw new NotificationError(404, 'unknown_payout');
    try {
      const outcome = await db.transaction(async (trx) => {
        // First the event (its unique key makes every copy wait here, then fail), then its effect.
        await recordPayoutEvent(trx, { provider: gateway.name, event_id: event.eventId, payout_id: payout.id, outcome: 'applying', received_at: now });
        const done = await applyReport(trx, clock, config, payout.id, { status: event.status, at: event.at, reason: event.reason });
        await setPayoutEventOutcome(trx, gateway.name, event.eventId, done);
        return done;
      });
      result = { status: 200, outcome };
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      result = { status: 200, outcome: 'duplicate' };
    }
    if (result.outcome === 'ignored_failed' && event.status === 'paid') {
      // The provider said it failed, and now that it arrived: the borrower may hold two payouts. Staff must look.
      logger.error({ payoutId: payout.id, eventId: event.eventId }, 'payout reported paid after it failed');
    }
    logger.info({ payoutId: payout.id, eventId: event.eventId, ...result }, 'payout callback');
  } catch (err) {
    if (!(err instanceof NotificationError)) throw err;
    result = { status: err.status, outcome: err.code };
    logger.warn(result, 'payout callback refused');
  }
  return result;
}

/** The borrower's newest loan with its payouts (newest first) and the accounts they went to. */
export async function borrowerPayouts(db: Db, borrowerId: number) {
  const loan = await newestLoan(db, borrowerId);
  const payouts = loan ? await payoutsOfLoan(db, loan.id) : [];
  const accounts = await accountsOf(db, borrowerId);
  return { loan, payouts, accountOf: (p: PayoutRow) => accounts.find((a) => a.id === p.bank_account_id) };
}

/**
 * Whether the borrower's payout is held only because they have no verified
 * bank account at all (possible with KYC_REQUIRED=false): they are told to add
 * one, not that a bank refused a transfer that was never sent.
 */
export async function needsBankAccount(db: Executor, borrowerId: number): Promise<boolean> {
  const loan = await newestLoan(db, borrowerId);
  if (loan?.status !== 'payout_failed') return false;
  return !(await accountsOf(db, borrowerId)).some((a) => a.status === 'verified');
}
