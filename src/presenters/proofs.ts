import type { ProofRow } from '../data/repositories/proofs.ts';

/** A borrower's proofs for their loan page: state, UTR, images, and the reason when rejected. */
export function presentProofsForBorrower(proofs: ProofRow[]) {
  return proofs.map((p) => ({
    id: p.id,
    status: p.status,
    utr: p.utr,
    images: [p.utr_image, p.repay_image].filter((x): x is string => Boolean(x)).map((path) => `/Public/Upload/${path}`),
    rejectCode: p.reject_code,
    rejectNote: p.reject_note,
    createdAt: p.created_at,
  }));
}
