import { type Executor, insertReturningId } from '../db.ts';

export interface UploadRow {
  id: number;
  borrower_id: number;
  path: string;
  thumb_path: string;
  sha256: string;
  phash: string;
  width: number;
  height: number;
  bytes: number;
  created_at: number;
}

export function insertUpload(db: Executor, row: Omit<UploadRow, 'id'>): Promise<number> {
  return insertReturningId(db, 'uploads', row);
}

/** An upload by its path if the borrower owns it. */
export function findOwnUpload(db: Executor, borrowerId: number, path: string): Promise<UploadRow | undefined> {
  return db<UploadRow>('uploads').where({ borrower_id: borrowerId, path }).first();
}

/** Whether the borrower owns the upload or thumbnail at this path. */
export async function ownsUploadFile(db: Executor, borrowerId: number, path: string): Promise<boolean> {
  return Boolean(
    await db('uploads')
      .where({ borrower_id: borrowerId })
      .andWhere((q) => q.where({ path }).orWhere({ thumb_path: path }))
      .first(),
  );
}
