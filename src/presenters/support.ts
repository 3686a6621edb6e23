import type { TFunction } from 'i18next';
import { onceClosed } from '../domain/bill.ts';
import { isoDay } from '../domain/calendar.ts';
import { formatPlain } from '../domain/money.ts';
import type { AuditRow } from '../data/repositories/audit-log.ts';
import type { FeedbackRow } from '../data/repositories/feedback.ts';
import type { QueuedProof } from '../data/repositories/proofs.ts';
import type { ProofForStaff } from '../snapshots/proofs.ts';

/** The queue page: proofs oldest first and how many wait (`more`: more than `total`). */
export function presentQueue(proofs: QueuedProof[], total: number, more: boolean) {
  return {
    count: total,
    more,
    proofs: proofs.map((p) => ({
      id: p.id,
      phone: p.phone,
      utr: p.utr,
      images: [p.utr_image, p.repay_image].filter(Boolean).length,
      flagged: JSON.parse(p.flags).length > 0,
      /** The bill was paid off (or returned) since: nothing is left to approve. */
      moot: onceClosed(p.status, p.bill_status !== null && p.bill_status !== 'open') === 'not_needed',
      createdAt: p.created_at,
    })),
  };
}

/** The proof page: the bill's amounts, the screenshots, and each warning in words naming the other proof. */
export function presentProofForStaff(found: ProofForStaff, t: TFunction) {
  const { proof, current } = found;
  const state = current.state!;
  return {
    proof: {
      id: proof.id,
      status: proof.status,
      utr: proof.utr,
      createdAt: proof.created_at,
      rejectCode: proof.reject_code,
      rejectNote: proof.reject_note,
      settledAmount: proof.settled_amount,
      /** Still pending on a bill already closed: nothing is owed, so approving only books a separate transfer as excess. */
      moot: onceClosed(proof.status, current.bill?.status !== undefined && current.bill.status !== 'open') === 'not_needed',
    },
    phone: found.phone,
    bill: {
      oid: current.loan.oid,
      principal: current.loan.principal,
      dueDay: isoDay(current.dueDay),
      overdueDays: state.overdueDays,
      needRepayMoney: state.needRepayMoney,
      repaidTotal: state.repaidTotal,
      status: state.status,
    },
    // Nothing owed: no "0.00" invitation (the service refuses it); staff type what the statement shows.
    prefill: state.needRepayMoney > 0 ? formatPlain(state.needRepayMoney) : '',
    transferDay: { value: isoDay(found.transferDays.max), min: isoDay(found.transferDays.min), max: isoDay(found.transferDays.max) },
    images: found.images
      .filter((i) => i.upload)
      .map((i) => ({ field: i.field, full: `/Public/Upload/${i.upload!.path}`, thumb: `/Public/Upload/${i.upload!.thumb_path}` })),
    warnings: found.flags.map((f) =>
      f.kind === 'odd_utr'
        ? { text: t('support.flag_odd_utr'), proofId: null }
        : f.kind === 'same_utr'
          ? { text: t('support.flag_same_utr'), proofId: f.proofId }
          : { text: t(`support.flag_${f.kind}`, { field: t(`support.field_${f.field}`), id: f.proofId }), proofId: f.proofId },
    ),
  };
}

/** The feedback inbox: each message with its attachments as staff links. */
export function presentFeedbackInbox(rows: FeedbackRow[]) {
  return rows.map((f) => ({
    id: f.id,
    fromBorrower: f.borrower_id !== null,
    contact: f.contact,
    comments: f.comments,
    attachments: (JSON.parse(f.attachments) as string[]).map((p) => ({ full: `/Public/Upload/${p}`, thumb: `/Public/Upload/${p.replace(/\.jpg$/, '.thumb.jpg')}` })),
    status: f.status,
    replyNote: f.reply_note,
    createdAt: f.created_at,
  }));
}

/** Audit details whose values are codes with a label in `support.audit_value`. */
const CODED_DETAILS = new Set(['purpose', 'format', 'status', 'code', 'decision']);

/**
 * The audit log for people: the action as a locale key (unknown codes shown
 * as they are), and the recorded details as labelled pairs, amounts (minor
 * units) marked so the page formats them as money.
 */
export function presentAuditLog(rows: Array<AuditRow & { email: string }>) {
  return rows.map((e) => {
    let detail: Record<string, unknown> = {};
    try {
      const parsed: unknown = JSON.parse(e.detail || '{}');
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) detail = parsed as Record<string, unknown>;
    } catch {
      detail = { detail: e.detail };
    }
    return {
      at: e.at,
      email: e.email,
      action: e.action,
      subject: e.subject,
      address: e.address,
      details: Object.entries(detail)
        .filter(([, v]) => v !== null && v !== undefined && v !== '')
        .map(([key, value]) => ({
          key,
          value: typeof value === 'object' ? JSON.stringify(value) : String(value),
          kind: key === 'amount' && typeof value === 'number' ? 'money' : CODED_DETAILS.has(key) ? 'code' : 'text',
        })),
    };
  });
}
