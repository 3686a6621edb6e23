import type { Executor } from '../db.ts';

export interface DocumentAcceptanceRow {
  id: number;
  borrower_id: number;
  document: string;
  version: string;
  lang: string;
  address: string;
  accepted_at: number;
}

export async function insertAcceptance(db: Executor, row: Omit<DocumentAcceptanceRow, 'id'>): Promise<void> {
  await db('document_acceptances').insert(row);
}

/** Every acceptance of a borrower, newest first. */
export function acceptancesOf(db: Executor, borrowerId: number): Promise<DocumentAcceptanceRow[]> {
  return db<DocumentAcceptanceRow>('document_acceptances').where({ borrower_id: borrowerId }).orderBy('id', 'desc');
}
