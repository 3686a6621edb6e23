import type { Executor } from '../db.ts';

export type CodePurpose = 'register' | 'reset' | 'esign' | 'login';

export interface OneTimeCodeRow {
  id: number;
  phone: string;
  purpose: CodePurpose;
  code_hash: string;
  address: string;
  created_at: number;
  expires_at: number;
  attempts: number;
  verified_at: number | null;
  consumed_at: number | null;
  superseded_at: number | null;
}

/**
 * Locks the rows that stand for these keys until the transaction ends (created
 * on first use), in a fixed order so two requests never wait on each other in
 * a circle. SQLite has one writer at a time already; PostgreSQL needs the lock.
 */
export async function lockCodeRequestKeys(trx: Executor, keys: string[]): Promise<void> {
  for (const key of [...keys].sort()) {
    await trx('code_request_locks').insert({ key }).onConflict('key').ignore();
    const locked = trx('code_request_locks').where({ key });
    // SQLite has no row locks (nor needs them: one writer at a time); knex would warn.
    await (trx.client.config.client === 'pg' ? locked.forUpdate() : locked).first();
  }
}

/** How many codes were issued for a phone (any purpose) or from an address since `since`. */
export async function countCodesSince(db: Executor, column: 'phone' | 'address', value: string, since: number): Promise<number> {
  const row = await db('one_time_codes').where(column, value).andWhere('created_at', '>', since).count<{ n: number | string }[]>({ n: '*' }).first();
  return Number(row?.n ?? 0);
}

/** The creation times of codes in the window, oldest first (for Retry-After). */
export async function codeTimesSince(db: Executor, column: 'phone' | 'address', value: string, since: number): Promise<number[]> {
  const rows = await db('one_time_codes').where(column, value).andWhere('created_at', '>', since).orderBy('created_at').select('created_at');
  return rows.map((r: { created_at: number }) => Number(r.created_at));
}

/** The newest code for a phone and purpose, live or not. */
export function latestCode(db: Executor, phone: string, purpose: CodePurpose): Promise<OneTimeCodeRow | undefined> {
  return db<OneTimeCodeRow>('one_time_codes').where({ phone, purpose }).orderBy('id', 'desc').first();
}

export function findCode(db: Executor, id: number): Promise<OneTimeCodeRow | undefined> {
  return db<OneTimeCodeRow>('one_time_codes').where({ id }).first();
}

/** Retires every open code for a phone and purpose (a new one replaces them). */
export async function supersedeCodes(db: Executor, phone: string, purpose: CodePurpose, at: number): Promise<void> {
  await db('one_time_codes').where({ phone, purpose }).whereNull('consumed_at').whereNull('superseded_at').update({ superseded_at: at });
}

export async function insertCode(db: Executor, row: Omit<OneTimeCodeRow, 'id' | 'attempts' | 'verified_at' | 'consumed_at' | 'superseded_at'>): Promise<number> {
  const [inserted] = await db('one_time_codes').insert(row).returning('id');
  return typeof inserted === 'object' ? inserted.id : inserted;
}

/**
 * Claims one try on a live code in a single conditional update, so parallel
 * verifications cannot exceed `maxTries` between them. True when a try was left.
 */
export async function claimTry(db: Executor, id: number, maxTries: number, now: number): Promise<boolean> {
  const changed = await db('one_time_codes')
    .where({ id })
    .andWhere('attempts', '<', maxTries)
    .andWhere('expires_at', '>', now)
    .whereNull('consumed_at')
    .whereNull('superseded_at')
    .update({ attempts: db.raw('attempts + 1') });
  return changed === 1;
}

/** A correct code: marked verified, and the try it claimed given back. */
export async function markVerified(db: Executor, id: number, now: number): Promise<void> {
  await db('one_time_codes')
    .where({ id })
    .update({ verified_at: db.raw('coalesce(verified_at, ?)', [now]), attempts: db.raw('attempts - 1') });
}

/** Uses a verified, live code once; false when it was already used, replaced or expired. */
export async function consumeVerifiedCode(db: Executor, id: number, now: number): Promise<boolean> {
  const changed = await db('one_time_codes')
    .where({ id })
    .whereNotNull('verified_at')
    .whereNull('consumed_at')
    .whereNull('superseded_at')
    .andWhere('expires_at', '>', now)
    .update({ consumed_at: now });
  return changed === 1;
}

/** The newest code requests for a phone, for the console (never the hash). */
export function recentCodeRequests(db: Executor, phone: string, limit = 20) {
  return db<OneTimeCodeRow>('one_time_codes')
    .where({ phone })
    .orderBy('id', 'desc')
    .limit(limit)
    .select('id', 'purpose', 'address', 'created_at', 'expires_at', 'attempts', 'verified_at', 'consumed_at', 'superseded_at');
}

/** Deletes codes created before `before`; returns how many. */
export function deleteCodesBefore(db: Executor, before: number): Promise<number> {
  return db('one_time_codes').where('created_at', '<=', before).delete();
}
