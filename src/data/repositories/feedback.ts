import type { ConsolePage } from '../console-page.ts';
import { type Executor, insertReturningId } from '../db.ts';

export interface FeedbackRow {
  id: number;
  borrower_id: number | null;
  address: string;
  contact: string;
  comments: string;
  attachments: string;
  status: 'open' | 'closed';
  reply_note: string | null;
  replied_by: number | null;
  replied_at: number | null;
  created_at: number;
}

/** When feedback came from one address or borrower after `since`, oldest first. */
export async function feedbackTimesSince(db: Executor, column: 'address' | 'borrower_id', value: string | number, since: number): Promise<number[]> {
  const rows = await db('feedback').where(column, value).andWhere('created_at', '>', since).orderBy('created_at').select('created_at');
  return rows.map((r: { created_at: number }) => Number(r.created_at));
}

export function insertFeedback(
  db: Executor,
  row: Pick<FeedbackRow, 'borrower_id' | 'address' | 'contact' | 'comments' | 'attachments' | 'status' | 'created_at'>,
): Promise<number> {
  return insertReturningId(db, 'feedback', row);
}

export function findFeedback(db: Executor, id: number): Promise<FeedbackRow | undefined> {
  return db<FeedbackRow>('feedback').where({ id }).first();
}

/** Feedback in one state, newest first, at most 200. */
/** Feedback in one state, newest first: one page before a keyset (`after` is the last id shown). */
export function feedbackInState(db: Executor, status: 'open' | 'closed', page: ConsolePage = { after: null, limit: 200 }): Promise<FeedbackRow[]> {
  const q = db<FeedbackRow>('feedback').where({ status });
  if (page.after !== null) q.where('id', '<', page.after);
  if (page.borrowerId !== undefined) q.where('borrower_id', page.borrowerId);
  return q.orderBy('id', 'desc').limit(page.limit);
}

/** Records a staff reply on one message; answers whether it existed. */
export async function replyToFeedback(
  db: Executor,
  id: number,
  reply: Pick<FeedbackRow, 'reply_note' | 'status' | 'replied_by' | 'replied_at'>,
): Promise<boolean> {
  return (await db('feedback').where({ id }).update(reply)) === 1;
}
