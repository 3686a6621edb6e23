import type { Executor } from '../db.ts';

/** One stored image (or thumbnail) by its upload path: UPLOAD_STORAGE=db. */
export interface UploadBlobRow {
  path: string;
  data: Buffer;
  bytes: number;
  created_at: number;
}

/**
 * Stores the bytes at a path once: a path is named after its content, so a second
 * write of the same path (the same picture again) changes nothing.
 */
export async function putUploadBlob(db: Executor, row: UploadBlobRow): Promise<void> {
  await db('upload_blobs').insert(row).onConflict('path').ignore();
}

/** The stored bytes at a path, or undefined. */
export async function getUploadBlob(db: Executor, path: string): Promise<Buffer | undefined> {
  const row = await db<UploadBlobRow>('upload_blobs').select('data').where({ path }).first();
  return row ? Buffer.from(row.data) : undefined;
}
