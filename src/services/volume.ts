import type { Config } from '../config.ts';
import type { Db } from '../data/db.ts';
import { insertMany, maxId, syncIdSequence } from '../data/repositories/bulk.ts';
import { dayOf } from '../domain/calendar.ts';
import { quote } from '../domain/fees.ts';

// The volume generator behind `npm run seed:volume`: borrowers with realistic
// histories (repaid loans, one current, overdue or extended loan, rejections,
// loans waiting for review, proofs, complaints and the audit trail staff
// leave), written in batches, one transaction per batch, as multi-row INSERTs.
// Deterministic for a seed, so two runs give the same database.

const DAY = 86_400_000;
const TOPICS = ['collection', 'charges', 'payment', 'privacy', 'service', 'other'];

export interface VolumeOptions {
  borrowers: number;
  loans: number;
  /** Borrowers per transaction. */
  batch?: number;
  seed?: number;
  /** Phone numbers are `prefix` followed by the borrower's number, 10 digits in all. */
  phonePrefix?: string;
  onBatch?: (done: { borrowers: number; loans: number }) => void;
}

export interface VolumeSummary {
  borrowers: number;
  loans: number;
  bills: number;
  settlements: number;
  proofs: number;
  pendingProofs: number;
  uploads: number;
  complaints: number;
  messages: number;
  audit: number;
  inReview: number;
  overdue: number;
  extended: number;
  firstBorrowerId: number;
  staffId: number;
}

/** mulberry32: a small, fast, seeded generator (no cryptographic use). */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)), pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]! };
}

const COLUMNS = {
  staff: ['id', 'email', 'password_hash', 'role', 'created_at'],
  borrowers: ['id', 'phone', 'password_hash', 'quota', 'on_time_repayments', 'created_at', 'updated_at'],
  loans: ['id', 'oid', 'borrower_id', 'principal', 'term_days', 'loan_rate_ppm', 'repay_rate_ppm', 'overdue_rate_ppm', 'overdue_cap_ppm', 'fee', 'received', 'repay_interest', 'status', 'decided_by', 'reject_code', 'created_at', 'confirmed_at', 'decided_at', 'disbursed_at', 'repaid_at'],
  bills: ['id', 'loan_id', 'borrower_id', 'principal', 'fee', 'repay_interest', 'start_day', 'due_day', 'delay_count', 'delay_days', 'delay_paid', 'interest_paid', 'principal_paid', 'status', 'created_at', 'repaid_at', 'delayed_at'],
  settlements: ['id', 'bill_id', 'borrower_id', 'reference', 'source', 'purpose', 'amount', 'overdue_part', 'interest_part', 'delay_part', 'principal_part', 'excess', 'settled_at', 'paid_at'],
  uploads: ['id', 'borrower_id', 'path', 'thumb_path', 'sha256', 'phash', 'width', 'height', 'bytes', 'created_at'],
  proofs: ['id', 'borrower_id', 'bill_id', 'utr', 'utr_image', 'status', 'flags', 'decided_by', 'decided_at', 'settled_amount', 'settled_purpose', 'created_at'],
  complaints: ['id', 'number', 'borrower_id', 'topic', 'status', 'created_at', 'updated_at', 'closed_at'],
  complaint_messages: ['id', 'complaint_id', 'author', 'staff_id', 'body', 'created_at'],
  audit_log: ['id', 'staff_id', 'action', 'subject', 'detail', 'address', 'at'],
} as const;
type Table = keyof typeof COLUMNS;
type Row = Array<string | number | null>;

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0').slice(-width);
const day8 = (ms: number) => new Date(ms).toISOString().slice(0, 10).replace(/-/g, '');

/**
 * Fills the database with `borrowers` borrowers and about `loans` loans
 * (spread one to several per borrower), all as of `now`. Every borrower's
 * password hash is unusable: these accounts are for reading, not signing in.
 */
export async function seedVolume(db: Db, config: Pick<Config, 'product' | 'timeZone'>, now: number, options: VolumeOptions): Promise<VolumeSummary> {
  const rnd = random(options.seed ?? 22);
  const batch = options.batch ?? 2000;
  const product = config.product;
  const tables = Object.keys(COLUMNS) as Table[];
  const next: Record<Table, number> = Object.fromEntries(await Promise.all(tables.map(async (t) => [t, (await maxId(db, t)) + 1]))) as Record<Table, number>;
  const summary: VolumeSummary = {
    borrowers: 0, loans: 0, bills: 0, settlements: 0, proofs: 0, pendingProofs: 0, uploads: 0, complaints: 0, messages: 0, audit: 0, inReview: 0, overdue: 0, extended: 0,
    firstBorrowerId: next.borrowers,
    staffId: next.staff,
  };
  const staffId = next.staff++;
  await insertMany(db, 'staff', COLUMNS.staff, [[staffId, `volume-${staffId}@cuota.invalid`, '!', 'admin', now - 400 * DAY]]);
  const prefix = options.phonePrefix ?? '57';
  const phoneDigits = 10 - prefix.length;
  const amounts = Array.from({ length: 20 }, (_, i) => product.minAmount + i * product.amountStep).filter((a) => a <= product.quota);
  let loansLeft = options.loans;

  for (let start = 0; start < options.borrowers; start += batch) {
    const rows = Object.fromEntries(tables.map((t) => [t, [] as Row[]])) as Record<Table, Row[]>;
    const count = Math.min(batch, options.borrowers - start);
    for (let b = 0; b < count; b++) {
      const borrowersLeft = options.borrowers - start - b;
      // Loans spread evenly with some variance: the last borrowers take what is left.
      const mean = loansLeft / borrowersLeft;
      const k = borrowersLeft === 1 ? loansLeft : Math.max(0, Math.min(loansLeft, Math.round(mean * (0.4 + 1.2 * rnd.next()))));
      loansLeft -= k;
      const borrowerId = next.borrowers++;
      const phone = `${prefix}${String(borrowerId).padStart(phoneDigits, '0')}`;
      // The newest loan first, then back in time.
      const last = rnd.next();
      const lastState = k === 0 ? 'none' : last < 0.4 ? 'repaid' : last < 0.65 ? 'current' : last < 0.8 ? 'overdue' : last < 0.87 ? 'extended' : last < 0.93 ? 'rejected' : last < 0.96 ? 'in_review' : 'repaid';
      let cursor = now - rnd.int(0, 3) * DAY;
      const history: Array<{ state: string; startAt: number; term: number; principal: number }> = [];
      for (let j = 0; j < k; j++) {
        const term = rnd.pick(product.terms);
        const principal = rnd.pick(amounts);
        const state = j === 0 ? lastState : rnd.next() < 0.92 ? 'repaid' : 'rejected';
        let startAt: number;
        if (state === 'current' || state === 'extended' || state === 'in_review') startAt = cursor - rnd.int(0, term - 1) * DAY;
        else if (state === 'overdue') startAt = cursor - (term + rnd.int(1, 45)) * DAY;
        else startAt = cursor - (term + rnd.int(0, 3)) * DAY;
        history.push({ state, startAt, term, principal });
        cursor = startAt - rnd.int(1, 12) * DAY;
      }
      history.reverse();
      const createdAt = (history[0]?.startAt ?? now - rnd.int(1, 300) * DAY) - DAY;
      let repaidCount = 0;
      for (const loan of history) {
        const loanId = next.loans++;
        const startDay = dayOf(loan.startAt, config.timeZone);
        const q = quote(loan.principal, loan.term, product, startDay);
        const status = loan.state === 'repaid' ? 'repaid' : loan.state === 'rejected' ? 'rejected' : loan.state === 'in_review' ? 'in_review' : 'disbursed';
        const decided = status !== 'in_review';
        const disbursed = status === 'repaid' || status === 'disbursed';
        const extended = loan.state === 'extended' || (status === 'repaid' && rnd.next() < 0.15);
        const delayDays = extended ? loan.term : 0;
        const dueAt = loan.startAt + (loan.term + delayDays) * DAY;
        const repaidAt = status === 'repaid' ? Math.min(now - 60_000, dueAt - rnd.int(0, 2) * DAY) : null;
        const oid = `${day8(loan.startAt)}${String(loanId).padStart(14, '0')}`;
        rows.loans.push([
          loanId, oid, borrowerId, q.principal, q.term, product.loanRatePpm, product.repayRatePpm, product.overdueRatePpm, product.overdueCapPpm, q.fee, q.received, q.repayInterest, status,
          decided ? (rnd.next() < 0.9 ? 'auto' : 'staff') : null, status === 'rejected' ? 'score' : null,
          loan.startAt - 600_000, loan.startAt - 300_000, decided ? loan.startAt - 200_000 : null, disbursed ? loan.startAt : null, repaidAt,
        ]);
        summary.loans++;
        if (status === 'in_review') summary.inReview++;
        if (!disbursed) continue;
        const billId = next.bills++;
        const delayFee = extended ? Math.round(q.repayInterest / 2) : 0;
        const repaid = status === 'repaid';
        if (repaid) repaidCount++;
        if (loan.state === 'overdue') summary.overdue++;
        if (extended) summary.extended++;
        rows.bills.push([
          billId, loanId, borrowerId, q.principal, q.fee, q.repayInterest, startDay, startDay + loan.term + delayDays, extended ? 1 : 0, delayDays, delayFee,
          repaid ? q.repayInterest : 0, repaid ? q.principal : 0, repaid ? 'repaid' : 'open', loan.startAt, repaidAt, extended ? loan.startAt + (loan.term - 1) * DAY : null,
        ]);
        summary.bills++;
        const settle = (purpose: string, amount: number, parts: [number, number, number], at: number, source: string) => {
          const id = next.settlements++;
          rows.settlements.push([id, billId, borrowerId, `VOL-${id}`, source, purpose, amount, 0, parts[0], parts[1], parts[2], 0, at, at]);
          summary.settlements++;
        };
        if (extended) settle('delay', delayFee, [0, delayFee, 0], loan.startAt + (loan.term - 1) * DAY, 'sandbox');
        // A fifth of repayments arrive as a bank transfer with a proof staff approved; some open bills have one waiting.
        const withProof = repaid ? rnd.next() < 0.2 : rnd.next() < 0.04;
        if (repaid) settle('repay', q.amountDue, [q.repayInterest, 0, q.principal], repaidAt!, withProof ? 'proof' : 'sandbox');
        if (withProof) {
          const at = repaid ? repaidAt! - 3_600_000 : Math.min(now - 60_000, loan.startAt + rnd.int(1, loan.term) * DAY);
          const uploadId = next.uploads++;
          const name = hex(uploadId * 2654435761, 32);
          const path = `${day8(at)}/${name}.jpg`;
          rows.uploads.push([uploadId, borrowerId, path, `${day8(at)}/${name}.thumb.jpg`, hex(uploadId, 64), '0'.repeat(64), 1000, 2000, 180_000, at]);
          summary.uploads++;
          const proofId = next.proofs++;
          const pending = !repaid;
          rows.proofs.push([proofId, borrowerId, billId, String(100_000_000_000 + proofId), path, pending ? 'pending' : 'approved', '[]', pending ? null : staffId, pending ? null : repaidAt, pending ? null : q.amountDue, pending ? null : 'repay', at]);
          summary.proofs++;
          if (pending) summary.pendingProofs++;
          else {
            rows.audit_log.push([next.audit_log++, staffId, 'approve_proof', `proof:${proofId}`, JSON.stringify({ amount: q.amountDue, purpose: 'repay' }), '10.0.0.1', repaidAt!]);
            summary.audit++;
          }
        }
      }
      rows.borrowers.push([borrowerId, phone, '!', product.quota, repaidCount, createdAt, createdAt]);
      summary.borrowers++;
      if (rnd.next() < 0.1) {
        rows.audit_log.push([next.audit_log++, staffId, 'view_borrower', `borrower:${borrowerId}`, '{}', '10.0.0.1', Math.min(now - 60_000, createdAt + rnd.int(1, 200) * DAY)]);
        summary.audit++;
      }
      if (rnd.next() < 0.04) {
        const complaintId = next.complaints++;
        const at = Math.min(now - 3_600_000, createdAt + rnd.int(1, 300) * DAY);
        const roll = rnd.next();
        const status = roll < 0.7 ? 'closed' : roll < 0.85 ? 'answered' : 'open';
        rows.complaints.push([complaintId, `Q-${day8(at)}-V${String(complaintId).padStart(8, '0')}`, borrowerId, rnd.pick(TOPICS), status, at, at + DAY, status === 'closed' ? at + 2 * DAY : null]);
        summary.complaints++;
        rows.complaint_messages.push([next.complaint_messages++, complaintId, 'borrower', null, 'I was charged twice for one payment.', at]);
        summary.messages++;
        if (status !== 'open') {
          rows.complaint_messages.push([next.complaint_messages++, complaintId, 'staff', staffId, 'We checked and refunded the second charge.', at + DAY]);
          rows.audit_log.push([next.audit_log++, staffId, 'reply_complaint', `complaint:${complaintId}`, JSON.stringify({ status }), '10.0.0.1', at + DAY]);
          summary.messages++;
          summary.audit++;
        }
      }
    }
    await db.transaction(async (trx) => {
      // Parents before children: the foreign keys hold at every statement.
      for (const t of ['borrowers', 'loans', 'bills', 'settlements', 'uploads', 'proofs', 'complaints', 'complaint_messages', 'audit_log'] as const) {
        await insertMany(trx, t, COLUMNS[t], rows[t]);
      }
    });
    options.onBatch?.({ borrowers: summary.borrowers, loans: summary.loans });
  }
  for (const t of tables) await syncIdSequence(db, t);
  return summary;
}
