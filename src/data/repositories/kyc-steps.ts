import type { StepStatus } from '../../domain/kyc.ts';
import type { StepName } from '../../domain/markets/profile.ts';
import type { Executor } from '../db.ts';

export interface KycStepRow {
  id: number;
  borrower_id: number;
  step: StepName;
  status: StepStatus;
  reason: string | null;
  note: string | null;
  updated_at: number;
}

/** Every recorded step of a borrower (steps never touched have no row). */
export function stepsOf(db: Executor, borrowerId: number): Promise<KycStepRow[]> {
  return db<KycStepRow>('kyc_steps').where({ borrower_id: borrowerId });
}

/** Sets a step's status (and reason), creating its row the first time. */
export async function setStep(
  db: Executor,
  borrowerId: number,
  step: StepName,
  change: { status: StepStatus; reason?: string | null; note?: string | null; at: number },
): Promise<void> {
  const row = { status: change.status, reason: change.reason ?? null, note: change.note ?? null, updated_at: change.at };
  await db('kyc_steps')
    .insert({ borrower_id: borrowerId, step, ...row })
    .onConflict(['borrower_id', 'step'])
    .merge(row);
}
