import type { Executor } from '../db.ts';

export async function recordLoginFailure(db: Executor, phone: string, address: string, at: number): Promise<void> {
  await db('login_failures').insert({ phone, address, at });
}

/** The times of the failures for one phone or one address after `since`, oldest first. */
export async function loginFailureTimes(
  db: Executor,
  column: 'phone' | 'address',
  value: string,
  since: number,
): Promise<number[]> {
  const rows = await db('login_failures').where(column, value).andWhere('at', '>', since).orderBy('at').select('at');
  return rows.map((r: { at: number }) => Number(r.at));
}

export async function clearLoginFailures(db: Executor, phone: string): Promise<void> {
  await db('login_failures').where({ phone }).delete();
}

export function deleteLoginFailuresBefore(db: Executor, before: number): Promise<number> {
  return db('login_failures').where('at', '<=', before).delete();
}
