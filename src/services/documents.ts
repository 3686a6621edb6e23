import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Db } from '../data/db.ts';
import { billOfLoan, findBill } from '../data/repositories/bills.ts';
import { findBorrowerById } from '../data/repositories/borrowers.ts';
import { findLoan, findLoanByOid } from '../data/repositories/loans.ts';
import { findReference } from '../data/repositories/payments.ts';
import { findSettlement, settlementsOfBill } from '../data/repositories/settlements.ts';
import { notFound } from '../errors.ts';
import type { CertificateFacts, DisbursementFacts, ReceiptFacts } from '../snapshots/documents.ts';
import { findOwnAccount } from '../data/repositories/bank-accounts.ts';
import { payoutsOfLoan } from '../data/repositories/payouts.ts';
import { stateOf } from '../snapshots/loans.ts';
import { audit } from './audit.ts';

/** Whose documents a request may see: one borrower's own, or (staff, audited) anyone's. */
export type Viewer = { borrowerId: number } | { staff: { id: number; address: string; format: 'page' | 'pdf' } };

/**
 * Staff read any borrower's documents, so each read is audited like a
 * borrower lookup: which document, whose, and as page, JSON or PDF.
 */
async function auditStaffView(db: Db, clock: Clock, viewer: Viewer, action: string, subject: string, borrowerId: number): Promise<void> {
  if (!('staff' in viewer)) return;
  const { id, address, format } = viewer.staff;
  await audit(db, clock, { staffId: id, action, subject, address, detail: { borrower_id: borrowerId, format } });
}

const mayView = (viewer: Viewer, borrowerId: number) => 'staff' in viewer || viewer.borrowerId === borrowerId;

/** A settled payment's receipt; another borrower's, or an unknown one, is the same 404. */
export async function receiptFacts(db: Db, clock: Clock, config: Pick<Config, 'timeZone'>, viewer: Viewer, settlementId: number): Promise<ReceiptFacts> {
  const settlement = Number.isSafeInteger(settlementId) ? await findSettlement(db, settlementId) : undefined;
  if (!settlement || !mayView(viewer, settlement.borrower_id)) throw notFound();
  const bill = (await findBill(db, settlement.bill_id))!;
  const loan = (await findLoan(db, bill.loan_id))!;
  const borrower = (await findBorrowerById(db, settlement.borrower_id))!;
  await auditStaffView(db, clock, viewer, 'view_receipt', `settlement:${settlement.id}`, settlement.borrower_id);
  return {
    settlement,
    loan,
    bill,
    phone: borrower.phone,
    reference: await findReference(db, settlement.reference),
    // Rows written before the column existed: what the bill asks for now.
    leftAfter: settlement.left_after ?? stateOf(bill, loan, clock.now(), config.timeZone).needRepayMoney,
  };
}

/**
 * A no-dues certificate: only for a loan closed with nothing owed (repaid, or
 * returned in the cooling-off days). Another borrower's loan, an unknown one
 * and one still open are the same 404: there is no certificate to show.
 */
export async function certificateFacts(db: Db, clock: Clock, viewer: Viewer, oid: string): Promise<CertificateFacts> {
  const loan = /^\d{1,32}$/.test(oid) ? await findLoanByOid(db, oid) : undefined;
  if (!loan || !mayView(viewer, loan.borrower_id)) throw notFound();
  const bill = await billOfLoan(db, loan.id);
  const closedAt = loan.repaid_at ?? loan.cancelled_at;
  if (!bill || bill.status === 'open' || !closedAt) throw notFound();
  const settlements = await settlementsOfBill(db, bill.id);
  const borrower = (await findBorrowerById(db, loan.borrower_id))!;
  await auditStaffView(db, clock, viewer, 'view_certificate', `loan:${loan.id}`, loan.borrower_id);
  return { loan, bill, phone: borrower.phone, settlements, paidTotal: settlements.reduce((a, s) => a + s.amount, 0), closedAt };
}

/**
 * A disbursement receipt: the payout that brought the loan's money, once the
 * provider confirmed it arrived (and it did not come back). Another
 * borrower's loan, an unknown one, and one whose money has not arrived are
 * the same 404: there is no receipt to show.
 */
export async function disbursementFacts(db: Db, clock: Clock, viewer: Viewer, oid: string): Promise<DisbursementFacts> {
  const loan = /^\d{1,32}$/.test(oid) ? await findLoanByOid(db, oid) : undefined;
  if (!loan || !mayView(viewer, loan.borrower_id)) throw notFound();
  const payout = (await payoutsOfLoan(db, loan.id)).find((p) => p.status === 'paid' && p.paid_at !== null);
  if (!payout) throw notFound();
  const account = (await findOwnAccount(db, loan.borrower_id, payout.bank_account_id))!;
  const borrower = (await findBorrowerById(db, loan.borrower_id))!;
  await auditStaffView(db, clock, viewer, 'view_disbursement', `loan:${loan.id}`, loan.borrower_id);
  return { loan, payout, account, phone: borrower.phone };
}
