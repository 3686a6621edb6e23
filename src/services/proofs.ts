import distance from 'sharp-phash/distance.js';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import { type Db, isUniqueViolation } from '../data/db.ts';
import {
  decidePendingProof,
  findProof,
  insertProof,
  liveProofsWithUtr,
  proofImages,
  proofsOfBill as proofsOfBillRows,
  type ProofRow,
} from '../data/repositories/proofs.ts';
import type { UploadRow } from '../data/repositories/uploads.ts';
import { AppError, invalidInput } from '../errors.ts';
import { audit } from './audit.ts';
import { ownBill } from './payments/intents.ts';
import { settlePayment } from './settlement.ts';
import { findBillForUpdate } from '../data/repositories/bills.ts';
import type { Day } from '../domain/calendar.ts';
import { proofMoment } from '../domain/settlement.ts';
import type { ProofFlag } from '../snapshots/proofs.ts';
import { ownUpload } from './uploads.ts';
export type { ProofFlag } from '../snapshots/proofs.ts';

// Perceptual hashes this many bits apart or fewer are the same picture, re-saved or re-cropped.
const SIMILAR_BITS = 6;

/** A UTR with a shape real ones rarely have: one repeated character, or a straight run. */
export function oddUtr(utr: string): boolean {
  if (/^(.)\1+$/.test(utr)) return true;
  const codes = [...utr].map((c) => c.charCodeAt(0));
  const steps = new Set(codes.slice(1).map((c, i) => c - codes[i]!));
  return steps.size === 1 && (steps.has(1) || steps.has(-1));
}

/** The UTR as stored: no spaces or dashes, upper case. */
export function normalizeUtr(text: string): string {
  return text.replace(/[\s-]/g, '').toUpperCase();
}

// Enough to show staff the pattern; a screenshot reused a hundred times needs no hundred warnings.
const MAX_MATCHES = 5;
// The perceptual comparison looks at this many of the newest proof images.
const SIMILAR_WINDOW = 1000;

/**
 * Earlier proofs (anyone's) whose screenshots are the same file as these
 * uploads (sha256, through its index) or look the same (perceptual hash
 * within SIMILAR_BITS, among the newest proof images). At most MAX_MATCHES each.
 */
async function imageFlags(db: Db, images: Array<{ field: 'utr_image' | 'repay_image'; upload: UploadRow }>): Promise<ProofFlag[]> {
  const flags: ProofFlag[] = [];
  const recent = images.length ? await proofImages(db, () => {}, SIMILAR_WINDOW) : [];
  for (const { field, upload } of images) {
    const same = await proofImages(db, (q) => q.where('u.sha256', upload.sha256), MAX_MATCHES);
    const sameIds = new Set(same.map((r) => r.proofId));
    for (const id of sameIds) flags.push({ kind: 'same_image', field, proofId: id });
    const similar = recent
      .filter((r) => !sameIds.has(r.proofId))
      .map((r) => ({ proofId: r.proofId, bits: distance(r.phash, upload.phash) }))
      .filter((r) => r.bits <= SIMILAR_BITS)
      .slice(0, MAX_MATCHES - sameIds.size);
    for (const r of similar) flags.push({ kind: 'similar_image', field, proofId: r.proofId, bits: r.bits });
  }
  return flags;
}

const utrSentBefore = () => new AppError(409, 'utr_sent_before', 'errors.utr_sent_before');

/**
 * The same UTR in live proofs: the borrower's own is refused (they sent it
 * already); other borrowers' are flagged to staff, never refused, so a UTR
 * can be neither probed nor squatted by someone who saw it.
 */
async function utrFlags(db: Db, borrowerId: number, utr: string): Promise<ProofFlag[]> {
  const live = await liveProofsWithUtr(db, utr);
  if (live.some((p) => p.borrower_id === borrowerId)) throw utrSentBefore();
  return live.slice(0, MAX_MATCHES).map((p) => ({ kind: 'same_utr' as const, proofId: p.id }));
}

/**
 * Repay/repayProof: a borrower's proof of a payment they made outside the
 * gateway. At least one of a UTR and two screenshots; the screenshots must be
 * the borrower's own uploads; a UTR must look like one, and backs one live
 * proof per borrower (another borrower's is flagged, see utrFlags); a repaid
 * or returned bill takes no proofs.
 */
export async function submitProof(
  db: Db,
  clock: Clock,
  config: Pick<Config, 'utrPattern'>,
  borrowerId: number,
  input: { oid: string; utr?: string; utr_image?: string; repay_image?: string },
): Promise<ProofRow> {
  const { bill } = await ownBill(db, borrowerId, { oid: input.oid });
  if (bill.status === 'repaid') throw new AppError(409, 'bill_repaid', 'errors.bill_repaid');
  if (bill.status === 'cancelled') throw new AppError(409, 'bill_returned', 'errors.bill_returned');
  const utr = input.utr ? normalizeUtr(input.utr) : undefined;
  if (!utr && !input.utr_image && !input.repay_image) throw invalidInput({ utr: 'errors.proof_empty' });
  if (utr && !config.utrPattern.test(utr)) throw invalidInput({ utr: 'errors.utr_invalid' });
  const images: Array<{ field: 'utr_image' | 'repay_image'; upload: UploadRow }> = [];
  for (const field of ['utr_image', 'repay_image'] as const) {
    const path = input[field];
    if (!path) continue;
    const upload = await ownUpload(db, borrowerId, path);
    if (!upload) throw invalidInput({ [field]: 'errors.image_not_yours' });
    images.push({ field, upload });
  }
  const flags: ProofFlag[] = [
    ...(utr && oddUtr(utr) ? [{ kind: 'odd_utr' as const }] : []),
    ...(utr ? await utrFlags(db, borrowerId, utr) : []),
    ...(await imageFlags(db, images)),
  ];
  try {
    const id = await insertProof(db, {
      borrower_id: borrowerId,
      bill_id: bill.id,
      utr: utr ?? null,
      utr_image: input.utr_image ?? null,
      repay_image: input.repay_image ?? null,
      status: 'pending',
      flags: JSON.stringify(flags),
      created_at: clock.now().getTime(),
    });
    return (await findProof(db, id))!;
  } catch (err) {
    // The borrower's own live proof already gives this UTR (proofs_utr_per_borrower).
    if (isUniqueViolation(err)) throw utrSentBefore();
    throw err;
  }
}

export type ProofDecision =
  | { approve: true; amount: number; purpose: 'repay' | 'delay'; transferDay?: Day | null }
  | { approve: false; code: string; note?: string };

/**
 * A staff decision on a proof in review, once: approving settles the amount
 * received through the same settlement as the gateway (reference
 * `proof:<id>`), priced at the moment the proof was sent; rejecting records the reason the borrower will see. Two staff
 * deciding at once: the first wins, the second gets 409. Audited.
 */
export async function reviewProof(
  db: Db,
  clock: Clock,
  config: Pick<Config, 'timeZone' | 'quotaGrowth' | 'delayMax' | 'protection'>,
  input: { proofId: number; staffId: number; address: string; decision: ProofDecision },
): Promise<ProofRow> {
  const { decision } = input;
  if (decision.approve && (!Number.isSafeInteger(decision.amount) || decision.amount <= 0)) {
    throw invalidInput({ amount: 'errors.amount_invalid' });
  }
  // The borrower reads the reason: "other" means nothing without a note.
  if (!decision.approve && decision.code === 'other' && !decision.note) throw invalidInput({ note: 'errors.reject_note_required' });
  return db.transaction(async (trx) => {
    const now = clock.now().getTime();
    const changed = await decidePendingProof(
      trx,
      input.proofId,
      decision.approve
        ? { status: 'approved', decided_by: input.staffId, decided_at: now, settled_amount: decision.amount, settled_purpose: decision.purpose }
        : { status: 'rejected', decided_by: input.staffId, decided_at: now, reject_code: decision.code, reject_note: decision.note ?? null },
    ).catch((err: unknown) => {
      // One transfer settles once: proofs_utr_approved_once refuses a second approval of a UTR.
      throw isUniqueViolation(err) ? new AppError(409, 'utr_approved', 'errors.utr_approved') : err;
    });
    if (!changed) throw new AppError(409, 'proof_decided', 'errors.proof_decided');
    const proof = (await findProof(trx, input.proofId))!;

    if (decision.approve) {
      // Priced at the moment the borrower paid: the transfer date staff read on the proof, else when it was sent.
      const paidAt = proofMoment(proof.created_at, decision.transferDay ?? null, (await findBillForUpdate(trx, proof.bill_id))!.start_day, config.timeZone);
      if (paidAt === null) throw invalidInput({ transfer_day: 'errors.transfer_day_range' });
      await settlePayment(trx, clock, config, {
        billId: proof.bill_id,
        amount: decision.amount,
        reference: `proof:${proof.id}`,
        source: 'proof',
        purpose: decision.purpose,
        paidAt,
        key: `proof:${proof.id}`,
      });
    }
    await audit(trx, clock, {
      staffId: input.staffId,
      action: decision.approve ? 'approve_proof' : 'reject_proof',
      subject: `proof:${proof.id}`,
      address: input.address,
      detail: decision.approve ? { amount: decision.amount, purpose: decision.purpose, transfer_day: decision.transferDay ?? null } : { code: decision.code, note: decision.note },
    });
    return proof;
  });
}

/** The proofs of a bill, newest first, for its page. */
export function proofsOfBill(db: Db, billId: number): Promise<readonly ProofRow[]> {
  return proofsOfBillRows(db, billId);
}
