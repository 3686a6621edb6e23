import type { ConsolePage } from '../console-page.ts';
import { type Executor, insertReturningId } from '../db.ts';

export const COMPLAINT_TOPICS = ['collection', 'charges', 'payment', 'privacy', 'service', 'other'] as const;
export type ComplaintTopic = (typeof COMPLAINT_TOPICS)[number];
/** open: waiting for staff; answered: staff replied; closed: resolved (by staff or the borrower). */
export type ComplaintStatus = 'open' | 'answered' | 'closed';

export interface ComplaintRow {
  id: number;
  number: string;
  borrower_id: number;
  topic: ComplaintTopic;
  status: ComplaintStatus;
  created_at: number;
  updated_at: number;
  closed_at: number | null;
}

/** When the borrower opened complaints after `since`, oldest first. */
export async function complaintTimesSince(db: Executor, borrowerId: number, since: number): Promise<number[]> {
  const rows = await db('complaints').where({ borrower_id: borrowerId }).andWhere('created_at', '>', since).orderBy('created_at').select('created_at');
  return rows.map((r: { created_at: number }) => Number(r.created_at));
}

export function insertComplaint(db: Executor, row: Omit<ComplaintRow, 'id' | 'closed_at'>): Promise<number> {
  return insertReturningId(db, 'complaints', row);
}

export function findComplaint(db: Executor, id: number): Promise<ComplaintRow | undefined> {
  return db<ComplaintRow>('complaints').where({ id }).first();
}

/** One of the borrower's complaints by its number. */
export function findOwnComplaint(db: Executor, borrowerId: number, number: string): Promise<ComplaintRow | undefined> {
  return db<ComplaintRow>('complaints').where({ borrower_id: borrowerId, number }).first();
}

/** The borrower's complaints, newest first. */
export function complaintsOfBorrower(db: Executor, borrowerId: number): Promise<ComplaintRow[]> {
  return db<ComplaintRow>('complaints').where({ borrower_id: borrowerId }).orderBy('id', 'desc');
}

/** Complaints in one state with the borrower's phone, oldest first (ids grow with time), one page after a keyset. */
export function complaintsInState(db: Executor, status: ComplaintStatus, page: ConsolePage = { after: null, limit: 200 }) {
  const q = db('complaints').join('borrowers', 'borrowers.id', 'complaints.borrower_id').where('complaints.status', status);
  if (page.after !== null) q.where('complaints.id', '>', page.after);
  if (page.borrowerId !== undefined) q.where('complaints.borrower_id', page.borrowerId);
  return q.orderBy('complaints.id', 'asc').limit(page.limit).select<Array<ComplaintRow & { phone: string }>>('complaints.*', 'borrowers.phone');
}

/** Moves a complaint to a state (closing stamps closed_at, any other clears it). */
export async function setComplaintStatus(db: Executor, id: number, status: ComplaintStatus, now: number): Promise<void> {
  await db('complaints').where({ id }).update({ status, updated_at: now, closed_at: status === 'closed' ? now : null });
}
