import type { Executor } from '../db.ts';

export interface ContactConsentRow {
  id: number;
  borrower_id: number;
  version: string;
  given_at: number;
  withdrawn_at: number | null;
}

/** The borrower's newest consent not withdrawn, if any. */
export function findActiveConsent(db: Executor, borrowerId: number): Promise<ContactConsentRow | undefined> {
  return db<ContactConsentRow>('contact_consents').where({ borrower_id: borrowerId }).whereNull('withdrawn_at').orderBy('id', 'desc').first();
}

export async function insertConsent(db: Executor, row: Pick<ContactConsentRow, 'borrower_id' | 'version' | 'given_at'>): Promise<void> {
  await db('contact_consents').insert(row);
}

/** Withdraws every consent of the borrower still standing. */
export async function withdrawConsents(db: Executor, borrowerId: number, at: number): Promise<void> {
  await db('contact_consents').where({ borrower_id: borrowerId }).whereNull('withdrawn_at').update({ withdrawn_at: at });
}
