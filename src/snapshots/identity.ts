import type { StepStatus } from '../domain/kyc.ts';
import type { StepName } from '../domain/markets/index.ts';

/** One identity step as the borrower's checklist shows it. */
export interface StepView {
  step: StepName;
  status: StepStatus;
  reason: string | null;
  note: string | null;
}
