import type { ProofRow } from '../data/repositories/proofs.ts';
import { onceClosed } from '../domain/bill.ts';

/**
 * A borrower's proofs for their loan page: state, UTR, images, and the reason
 * when rejected. A proof still in review on a closed bill is no longer needed.
 */
export function presentProofsForBorrower(proofs: readonly ProofRow[], billClosed = false) {
  return proofs.map((p) => ({
    id: p.id,
    status: onceClosed(p.status, billClosed),
    utr: p.utr,
    images: [p.utr_image, p.repay_image].filter((x): x is string => Boolean(x)).map((path) => `/Public/Upload/${path}`),
    rejectCode: p.reject_code,
    rejectNote: p.reject_note,
    createdAt: p.created_at,
  }));
}
