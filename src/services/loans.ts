import crypto from 'node:crypto';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import { type Db, type Executor, isUniqueViolation } from '../data/db.ts';
import { type BorrowerRow, findBorrowerById } from '../data/repositories/borrowers.ts';
import { insertBill } from '../data/repositories/bills.ts';
import { countLoansInStates, findLoan, insertLoan, type LoanRow, moveLoan, newestLoan } from '../data/repositories/loans.ts';
import { dayOf, isoDay, localParts } from '../domain/calendar.ts';
import { amountProblem, type Product, quote, type Quote } from '../domain/fees.ts';
import { defaultPrincipal } from '../domain/products.ts';
import { OPEN_STATES, transition } from '../domain/loan-status.ts';
import { reviewRule } from '../domain/loan-review.ts';
import { AppError, invalidInput } from '../errors.ts';
import { audit } from './audit.ts';
import { chooseProduct } from './products.ts';
import { assertMayBorrow } from './identity.ts';
import type { PayoutGateway } from './payouts/gateway.ts';
import { createPayoutGateway } from './payouts/index.ts';
import { createPayout, dispatchLoanPayout, type PayoutConfig } from './payouts/payouts.ts';

type LoanConfig = Pick<Config, 'product' | 'timeZone' | 'review'>;
/** What prices a loan: a product version, or (without products) the configured product. */
export type PricingProduct = Pick<Product, 'terms' | 'defaultTerm' | 'minAmount' | 'amountStep' | 'loanRatePpm' | 'repayRatePpm'> & { maxAmount?: number };
type ConfirmConfig = LoanConfig & Pick<Config, 'protection' | 'payouts'> & PayoutConfig;

const DAY_MS = 86_400_000;

/**
 * The loan a borrower asks for (by default their whole quota over the default
 * term), priced as of today; 422 naming the field when the product does not
 * allow it.
 */
export function priceLoan(
  config: LoanConfig,
  clock: Clock,
  borrower: Pick<BorrowerRow, 'quota'>,
  request: { principal?: number; term?: number },
  product: PricingProduct = config.product,
): Quote {
  const principal = request.principal ?? (product.maxAmount === undefined ? borrower.quota : defaultPrincipal(borrower.quota, { maxAmount: product.maxAmount }));
  const term = request.term ?? product.defaultTerm;
  const problem = amountProblem(principal, term, borrower.quota, product);
  if (problem) throw invalidInput({ [problem === 'errors.term_invalid' ? 'time' : 'money']: problem });
  return quote(principal, term, product, dayOf(clock.now().getTime(), config.timeZone));
}

/** A public order number like the spec's: local YYYYMMDDhhmmss and eight random digits. */
function newOid(now: Date, timeZone: string): string {
  const { y, m, d, h, min, s } = localParts(now.getTime(), timeZone);
  const two = (n: number) => String(n).padStart(2, '0');
  const random = String(crypto.randomInt(0, 100_000_000)).padStart(8, '0');
  return `${y}${two(m)}${two(d)}${two(h)}${two(min)}${two(s)}${random}`;
}

/** Refuses a new application while a loan is open or a rejection's waiting time runs. */
async function assertMayApply(db: Executor, borrowerId: number, now: number, timeZone: string): Promise<void> {
  const latest = await newestLoan(db, borrowerId);
  if (latest && OPEN_STATES.includes(latest.status)) {
    throw new AppError(409, 'loan_open', 'errors.loan_open');
  }
  if (latest?.status === 'rejected' && latest.reapply_at && latest.reapply_at > now) {
    throw new AppError(409, 'reapply_later', 'errors.reapply_later', {
      days: { day: isoDay(dayOf(latest.reapply_at, timeZone)) },
    });
  }
}

/**
 * Loan/reLoan: creates a loan awaiting confirmation, for the requested amount
 * and term or the borrower's quota and the default term, with the product the
 * borrower chose (`product_id`) or the first one offered to them. The loan
 * keeps the product's id and version and copies its rates and extension
 * limit. The database's one-open-loan index settles any race between two tabs.
 */
export async function applyForLoan(
  db: Db,
  clock: Clock,
  config: LoanConfig & Pick<Config, 'market' | 'kyc' | 'quotaGrowth' | 'delayMax'>,
  borrower: BorrowerRow,
  request: { principal?: number; term?: number; productId?: number },
): Promise<LoanRow> {
  const product = await chooseProduct(db, clock, config, borrower.id, request.productId);
  const q = priceLoan(config, clock, borrower, request, product);
  const now = clock.now();
  try {
    return await db.transaction(async (trx) => {
      await assertMayApply(trx, borrower.id, now.getTime(), config.timeZone);
      // The lending gate: a verified identity and a verified default account (KYC_REQUIRED).
      await assertMayBorrow(trx, config, borrower.id);
      const id = await insertLoan(trx, {
        oid: newOid(now, config.timeZone),
        borrower_id: borrower.id,
        principal: q.principal,
        term_days: q.term,
        loan_rate_ppm: product.loanRatePpm,
        repay_rate_ppm: product.repayRatePpm,
        overdue_rate_ppm: product.overdueRatePpm,
        overdue_cap_ppm: product.overdueCapPpm,
        product_id: product.productId,
        product_version: product.version,
        delay_max: product.delayMax,
        fee: q.fee,
        received: q.received,
        repay_interest: q.repayInterest,
        status: 'awaiting_confirmation',
        created_at: now.getTime(),
      });
      return (await findLoan(trx, id))!;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError(409, 'loan_open', 'errors.loan_open');
    throw err;
  }
}

/**
 * Approves (and so starts paying the loan out: the payout row is created in
 * this transaction, the bill only when the money arrives) or rejects a loan
 * in review, once.
 */
async function decide(
  trx: Executor,
  clock: Clock,
  config: LoanConfig,
  payouts: PayoutGateway,
  loan: LoanRow,
  outcome: { approve: true } | { approve: false; code: string; note?: string },
  decidedBy: string,
): Promise<boolean> {
  const now = clock.now().getTime();
  if (outcome.approve) {
    const moved = await moveLoan(trx, loan.id, 'in_review', transition('in_review', 'paying_out'), {
      decided_by: decidedBy,
      decided_at: now,
    });
    if (!moved) return false;
    await createPayout(trx, clock, payouts, { ...loan, status: 'paying_out' });
    return true;
  }
  return moveLoan(trx, loan.id, 'in_review', transition('in_review', 'rejected'), {
    decided_by: decidedBy,
    decided_at: now,
    reject_code: outcome.code,
    reject_note: outcome.note ?? null,
    reapply_at: now + config.review.reapplyAfterDays * DAY_MS,
  });
}

/**
 * Index/ajaxApply: confirms the borrower's loan awaiting confirmation and, with
 * automatic review, decides it at once. The borrower must have acknowledged
 * the key facts statement (422 on `kfs_ack` otherwise); the acknowledgement is
 * stored with its time and the statement's version. A second confirmation of
 * the same loan (double click, second tab) changes nothing and answers like the first.
 */
export async function confirmLoan(
  db: Db,
  clock: Clock,
  config: ConfirmConfig,
  borrowerId: number,
  acknowledged: boolean,
  payouts: PayoutGateway = createPayoutGateway(config, clock),
  productId?: number,
): Promise<LoanRow> {
  const loan = await db.transaction(async (trx) => {
    const loan = await newestLoan(trx, borrowerId);
    if (!loan || !OPEN_STATES.includes(loan.status)) {
      throw new AppError(409, 'nothing_to_confirm', 'errors.nothing_to_confirm');
    }
    if (loan.status !== 'awaiting_confirmation') return loan;
    // A confirmation that names a product confirms only a loan of that product.
    if (productId !== undefined && loan.product_id !== productId) throw invalidInput({ product_id: 'errors.product_mismatch' });
    if (!acknowledged) throw invalidInput({ kfs_ack: 'errors.kfs_ack_required' });
    const now = clock.now().getTime();
    const moved = await moveLoan(trx, loan.id, 'awaiting_confirmation', transition(loan.status, 'in_review'), {
      confirmed_at: now,
      kfs_version: config.protection.kfsVersion,
      kfs_ack_at: now,
    });
    if (moved && config.review.mode === 'auto') {
      const borrower = (await findBorrowerById(trx, borrowerId))!;
      const others = await countLoansInStates(trx, borrowerId, OPEN_STATES, loan.id);
      const outcome = reviewRule(loan.principal, borrower.quota, others);
      await decide(trx, clock, config, payouts, { ...loan, status: 'in_review' }, outcome, 'auto');
    }
    return (await findLoan(trx, loan.id))!;
  });
  if (loan.status !== 'paying_out') return loan;
  // The money is sent once the approval committed; the sandbox confirms it at once.
  await dispatchLoanPayout(db, clock, config, payouts, loan.id);
  return (await findLoan(db, loan.id))!;
}

/**
 * A staff member's decision on a loan waiting in review, audited in the same
 * transaction (no decision without its audit row, no audit row for a decision
 * that did not happen); a loan no longer in review answers 409.
 */
export async function decideLoanByHand(
  db: Db,
  clock: Clock,
  config: LoanConfig & Pick<Config, 'payouts'> & PayoutConfig,
  input: { loanId: number; staffId: number; address: string; approve: boolean; code?: string; note?: string },
  payouts: PayoutGateway = createPayoutGateway(config, clock),
): Promise<LoanRow> {
  const decided = await db.transaction(async (trx) => {
    const loan = await findLoan(trx, input.loanId);
    if (!loan) throw new AppError(404, 'not_found', 'errors.not_found');
    const outcome = input.approve
      ? ({ approve: true } as const)
      : { approve: false as const, code: input.code ?? 'staff', note: input.note };
    const done = loan.status === 'in_review' && (await decide(trx, clock, config, payouts, loan, outcome, `staff:${input.staffId}`));
    if (!done) throw new AppError(409, 'not_in_review', 'errors.not_in_review');
    await audit(trx, clock, {
      staffId: input.staffId,
      action: input.approve ? 'approve_loan' : 'reject_loan',
      subject: `loan:${loan.id}`,
      address: input.address,
      detail: { note: input.note },
    });
    return (await findLoan(trx, loan.id))!;
  });
  if (decided.status !== 'paying_out') return decided;
  await dispatchLoanPayout(db, clock, config, payouts, decided.id);
  return (await findLoan(db, decided.id))!;
}
