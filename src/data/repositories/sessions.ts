import { type Executor, firstRow } from '../db.ts';

/** The session read behind every signed-in request. (Exported for the query-plan test.) */
export const SESSION_BY_ID = 'select * from sessions where id = ?';

export interface SessionRow {
  id: string;
  data: string;
  borrower_id: number | null;
  created_at: number;
  seen_at: number;
  expires_at: number;
}

export function findSession(db: Executor, id: string): Promise<SessionRow | undefined> {
  return firstRow(db, SESSION_BY_ID, [id]);
}

/** Inserts or replaces a session's data, keeping its creation time when it exists. */
export async function saveSession(db: Executor, row: SessionRow): Promise<void> {
  await db('sessions')
    .insert(row)
    .onConflict('id')
    .merge(['data', 'borrower_id', 'seen_at', 'expires_at']);
}

export async function touchSession(db: Executor, id: string, seenAt: number, expiresAt: number): Promise<void> {
  await db('sessions').where({ id }).update({ seen_at: seenAt, expires_at: expiresAt });
}

export async function deleteSession(db: Executor, id: string): Promise<void> {
  await db('sessions').where({ id }).delete();
}

/** Removes every session past its idle or absolute deadline; returns how many. */
export function deleteExpiredSessions(db: Executor, now: number): Promise<number> {
  return db('sessions').where('expires_at', '<=', now).delete();
}

/** Ends every session of a borrower (a password reset or change); returns how many. */
export function deleteBorrowerSessions(db: Executor, borrowerId: number): Promise<number> {
  return db('sessions').where({ borrower_id: borrowerId }).delete();
}
