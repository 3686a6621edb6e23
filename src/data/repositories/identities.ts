import { type Executor, insertReturningId } from '../db.ts';

export interface IdentityRow {
  id: number;
  borrower_id: number;
  full_name: string | null;
  birth_date: string | null;
  id_number_sealed: string | null;
  id_number_hash: string | null;
  tax_id_sealed: string | null;
  state_code: string | null;
  city_code: string | null;
  employment: string | null;
  income_band: string | null;
  id_front_upload_id: number | null;
  id_back_upload_id: number | null;
  selfie_upload_id: number | null;
  read_name: string | null;
  read_id_sealed: string | null;
  face_score: number | null;
  flags: string;
  review: 'none' | 'pending' | 'approved' | 'rejected';
  review_since: number | null;
  reviewed_by: number | null;
  reviewed_at: number | null;
  created_at: number;
  updated_at: number;
}

export type IdentityChange = Partial<Omit<IdentityRow, 'id' | 'borrower_id' | 'created_at'>> & { updated_at: number };

/** The borrower's identity row, if they started one. */
export function findIdentity(db: Executor, borrowerId: number): Promise<IdentityRow | undefined> {
  return db<IdentityRow>('identities').where({ borrower_id: borrowerId }).first();
}

/** One identity by its id. */
export function findIdentityById(db: Executor, id: number): Promise<IdentityRow | undefined> {
  return db<IdentityRow>('identities').where({ id }).first();
}

/** The uploads an identity points at (ID front, back, selfie), with their paths. */
export function identityUploads(db: Executor, row: Pick<IdentityRow, 'borrower_id' | 'id_front_upload_id' | 'id_back_upload_id' | 'selfie_upload_id'>): Promise<Array<{ id: number; path: string; thumb_path: string }>> {
  const ids = [row.id_front_upload_id, row.id_back_upload_id, row.selfie_upload_id].filter((v): v is number => v !== null);
  return db('uploads').where({ borrower_id: row.borrower_id }).whereIn('id', ids).select('id', 'path', 'thumb_path');
}

export type SealedIdentityColumns = Pick<IdentityRow, 'id' | 'id_number_sealed' | 'tax_id_sealed' | 'read_id_sealed'>;

/** Every identity's sealed columns, for re-sealing after a key rotation. */
export function sealedIdentityColumns(db: Executor): Promise<SealedIdentityColumns[]> {
  return db('identities').select('id', 'id_number_sealed', 'tax_id_sealed', 'read_id_sealed').orderBy('id');
}

/** Replaces sealed columns of one identity (same values, a newer key). */
export async function replaceSealedIdentity(db: Executor, id: number, change: Partial<Omit<SealedIdentityColumns, 'id'>>): Promise<void> {
  await db('identities').where({ id }).update(change);
}

/** The identity (another borrower's or not) holding a national ID, by its keyed hash. */
export function findIdentityByIdHash(db: Executor, hash: string): Promise<IdentityRow | undefined> {
  return db<IdentityRow>('identities').where({ id_number_hash: hash }).first();
}

/** Creates the row on first use and applies a change to it. */
export async function saveIdentity(db: Executor, borrowerId: number, change: IdentityChange): Promise<void> {
  const updated = await db('identities').where({ borrower_id: borrowerId }).update(change);
  if (!updated) await insertReturningId(db, 'identities', { borrower_id: borrowerId, created_at: change.updated_at, ...change });
}

/** Identities waiting for staff, oldest first, with the borrower's phone. */
export function pendingIdentities(db: Executor): Promise<Array<IdentityRow & { phone: string }>> {
  return db('identities')
    .join('borrowers', 'borrowers.id', 'identities.borrower_id')
    .where('identities.review', 'pending')
    .select('identities.*', 'borrowers.phone')
    .orderBy('identities.review_since', 'asc');
}

/** One identity by its id, with the borrower's phone. */
export function identityWithPhone(db: Executor, id: number): Promise<(IdentityRow & { phone: string }) | undefined> {
  return db('identities').join('borrowers', 'borrowers.id', 'identities.borrower_id').where('identities.id', id).select('identities.*', 'borrowers.phone').first();
}

/** Records a staff decision on a pending identity, once: false when it was no longer pending. */
export async function decideIdentity(db: Executor, id: number, review: 'approved' | 'rejected', staffId: number, at: number): Promise<boolean> {
  const n = await db('identities').where({ id, review: 'pending' }).update({ review, reviewed_by: staffId, reviewed_at: at, updated_at: at });
  return Number(n) === 1;
}
