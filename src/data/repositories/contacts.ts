import type { Executor } from '../db.ts';

export interface ContactRow {
  id: number;
  borrower_id: number;
  name: string;
  phone: string;
  relation: string | null;
  created_at: number;
  updated_at: number;
}

/** Deletes every contact of the borrower; answers how many went. */
export async function deleteContactsOf(db: Executor, borrowerId: number): Promise<number> {
  return Number(await db('contacts').where({ borrower_id: borrowerId }).delete());
}

/** Stores contacts, merging by phone per borrower (name, relation and updated_at replaced). */
export async function upsertContacts(db: Executor, rows: Array<Omit<ContactRow, 'id'>>): Promise<void> {
  // Chunks keep each statement under SQLite's bound-variable limit.
  for (let i = 0; i < rows.length; i += 500) {
    await db('contacts').insert(rows.slice(i, i + 500)).onConflict(['borrower_id', 'phone']).merge(['name', 'relation', 'updated_at']);
  }
}

/** The borrower's contacts by name. */
export function contactsOfBorrower(db: Executor, borrowerId: number): Promise<ContactRow[]> {
  return db<ContactRow>('contacts').where({ borrower_id: borrowerId }).orderBy('name');
}
