import type { ProofRow } from '../data/repositories/proofs.ts';
import type { UploadRow } from '../data/repositories/uploads.ts';
import type { Day } from '../domain/calendar.ts';
import type { LoanSnapshot } from './loans.ts';

/** What staff should look at twice on a proof. */
export type ProofFlag =
  | { kind: 'odd_utr' }
  /** Another borrower's live proof gives the same UTR: at most one of them paid with it. */
  | { kind: 'same_utr'; proofId: number }
  | { kind: 'same_image'; field: 'utr_image' | 'repay_image'; proofId: number }
  | { kind: 'similar_image'; field: 'utr_image' | 'repay_image'; proofId: number; bits: number };

export interface ProofForStaff {
  proof: ProofRow;
  phone: string;
  current: LoanSnapshot;
  images: Array<{ field: 'utr_image' | 'repay_image'; upload: UploadRow | undefined }>;
  flags: ProofFlag[];
  now: Date;
  /** The transfer dates staff may enter on approval: from the disbursement day to the day the proof was sent. */
  transferDays: { min: Day; max: Day };
}
