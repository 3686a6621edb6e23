import type { Executor } from '../db.ts';

export interface ComplaintMessageRow {
  id: number;
  complaint_id: number;
  author: 'borrower' | 'staff';
  staff_id: number | null;
  body: string;
  created_at: number;
}

export async function insertComplaintMessage(db: Executor, row: Omit<ComplaintMessageRow, 'id'>): Promise<void> {
  await db('complaint_messages').insert(row);
}

/** A complaint's messages, oldest first. */
export function messagesOfComplaint(db: Executor, complaintId: number): Promise<ComplaintMessageRow[]> {
  return db<ComplaintMessageRow>('complaint_messages').where({ complaint_id: complaintId }).orderBy('id');
}
