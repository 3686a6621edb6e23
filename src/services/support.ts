import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Db } from '../data/db.ts';
import { billOfLoan, findBill } from '../data/repositories/bills.ts';
import { type Day, dayOf } from '../domain/calendar.ts';
import { type BorrowerRow, findBorrowerById, findBorrowerByPhone } from '../data/repositories/borrowers.ts';
import { findLoan, type LoanRow, loansInStateWithBorrower } from '../data/repositories/loans.ts';
import { intentsOfBill, referencesOfIntents } from '../data/repositories/payments.ts';
import { settlementsOfBill } from '../data/repositories/settlements.ts';
import { snapshot } from '../snapshots/loans.ts';
import { allLoans } from './loan-reads.ts';
import type { ConsolePage } from '../data/console-page.ts';
import { accountForStaff } from './account-reads.ts';
import { audit } from './audit.ts';
import { phoneSpellings } from './console-lists.ts';
import { countPendingProofs, findProof, pendingProofs as pendingProofRows, proofsOfBill, type QueuedProof } from '../data/repositories/proofs.ts';
import { findOwnUpload } from '../data/repositories/uploads.ts';
import type { ProofForStaff } from '../snapshots/proofs.ts';

export type { QueuedProof } from '../data/repositories/proofs.ts';

/** The queue's heading counts this far and then says "more than": counting a backlog of thousands on every page view costs more than the page. */
const QUEUE_COUNT_LIMIT = 1000;

/**
 * Proofs waiting for review, oldest first, with the borrower's phone: one
 * page, and how many wait in all (narrowed like the page, up to
 * QUEUE_COUNT_LIMIT; `more` when past it). The exact backlog is the
 * cuota_review_backlog metric.
 */
export async function pendingProofs(db: Db, page: ConsolePage): Promise<{ rows: QueuedProof[]; total: number; more: boolean }> {
  const counted = await countPendingProofs(db, page, QUEUE_COUNT_LIMIT + 1);
  return { rows: await pendingProofRows(db, page), total: Math.min(counted, QUEUE_COUNT_LIMIT), more: counted > QUEUE_COUNT_LIMIT };
}

/** Everything the proof page shows: the proof, its borrower, the bill as of now, the images and the warnings. */
export async function proofForStaff(db: Db, clock: Clock, config: Pick<Config, 'timeZone'>, id: number): Promise<ProofForStaff | undefined> {
  const proof = await findProof(db, id);
  if (!proof) return undefined;
  const bill = (await findBill(db, proof.bill_id))!;
  const loan = (await findLoan(db, bill.loan_id)) as LoanRow;
  const borrower = (await findBorrowerById(db, proof.borrower_id))!;
  const images = await Promise.all(
    (['utr_image', 'repay_image'] as const)
      .filter((field) => proof[field])
      .map(async (field) => ({
        field,
        upload: await findOwnUpload(db, proof.borrower_id, proof[field]!),
      })),
  );
  const now = clock.now();
  const transferDays = { min: bill.start_day as Day, max: dayOf(proof.created_at, config.timeZone) };
  return { proof, phone: borrower.phone, current: snapshot(loan, bill, now, config.timeZone), images, flags: JSON.parse(proof.flags), now, transferDays };
}

/** Loans confirmed by their borrower and waiting for a manual decision, oldest first, one page. */
export function loansInReview(db: Db, page: ConsolePage): Promise<Array<LoanRow & { phone: string; quota: number }>> {
  return loansInStateWithBorrower(db, 'in_review', page);
}

/** One borrower's whole file for support: loans with bills, payments, settlements and proofs. */
export async function borrowerOverview(db: Db, clock: Clock, config: Pick<Config, 'timeZone'>, borrower: BorrowerRow) {
  const loans = await allLoans(db, clock, config, borrower.id);
  const details = await Promise.all(
    loans.map(async (s) => {
      const bill = s.bill ?? (await billOfLoan(db, s.loan.id));
      if (!bill) return { snapshot: s, settlements: [], references: [], proofs: [] };
      const intents = await intentsOfBill(db, bill.id);
      return {
        snapshot: s,
        settlements: await settlementsOfBill(db, bill.id),
        references: await referencesOfIntents(db, intents.map((i) => i.id)),
        proofs: await proofsOfBill(db, bill.id),
      };
    }),
  );
  return { borrower, loans: details };
}

/**
 * The console's borrower look-up by a phone as staff typed it: the borrower's whole
 * file and account, or null when no one has that phone. A found file is audited.
 */
export async function lookUpBorrower(db: Db, clock: Clock, config: Pick<Config, 'timeZone' | 'market'>, request: { staffId: number; phone: string; address: string }) {
  // The likeliest spelling: as the market stores its borrowers' phones ("+91 98765 43210" is 9876543210 in India), else as typed.
  const phone = phoneSpellings(request.phone, config.market)[0];
  if (!phone) return null;
  const found = await findBorrowerByPhone(db, phone);
  if (!found) return null;
  await audit(db, clock, { staffId: request.staffId, action: 'view_borrower', subject: `borrower:${found.id}`, address: request.address });
  return { overview: await borrowerOverview(db, clock, config, found), account: await accountForStaff(db, found) };
}
