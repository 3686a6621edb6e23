import type { Executor, Db } from '../db.ts';

/** Borrowers' phones and staff e-mails are counted apart, each with its own per-address counter. */
export type LoginScope = 'borrower' | 'staff';

export interface LoginFailureRow {
  id: number;
  scope: LoginScope;
  /** The account key: a phone, or `staff:<email>`. */
  phone: string;
  address: string;
  at: number;
  /** Recorded before its password check, which has not ended yet (or the process died during it). */
  pending: boolean;
}

/** The failure times (oldest first) of the three counters an attempt is checked against. */
export interface AttemptCounters {
  /** This account from this address. */
  accountAtAddress: number[];
  /** This account from anywhere. */
  account: number[];
  /** This address, any account of the scope. */
  address: number[];
}

async function times(db: Executor, where: Record<string, string>, since: number, except: number): Promise<number[]> {
  const rows = await db('login_failures').where(where).andWhere('at', '>', since).andWhereNot('id', except).orderBy('at').select('at');
  return rows.map((r: { at: number }) => Number(r.at));
}

/**
 * Records an attempt as a failure *before* its password is checked, and reads
 * the counters it counts against, in one transaction that is serialised per
 * account and per address (SQLite: one writer; PostgreSQL: advisory locks), so
 * a burst of parallel attempts is counted exactly, across processes too.
 * `refuse` sees the counters without this attempt; when it answers a wait,
 * the attempt is rolled back (a refused try does not extend the lock).
 */
export async function claimLoginAttempt<R>(
  db: Db,
  attempt: { scope: LoginScope; key: string; address: string; at: number; since: number },
  refuse: (counters: AttemptCounters) => R | null,
): Promise<{ id: number } | { refused: R }> {
  const { scope, key, address, at, since } = attempt;
  let refused: R | null = null;
  const id = await db.transaction(async (trx) => {
    if (db.client.config.client === 'pg') {
      // Fixed order (account, then address) so two attempts never wait on each other in a circle.
      await trx.raw('select pg_advisory_xact_lock(hashtext(?)), pg_advisory_xact_lock(hashtext(?))', [
        `login:${scope}:account:${key}`,
        `login:${scope}:address:${address}`,
      ]);
    }
    // Written first: on SQLite the first write takes the database's write lock.
    const [inserted] = await trx('login_failures').insert({ scope, phone: key, address, at, pending: true }).returning('id');
    const ownId = Number(typeof inserted === 'object' ? inserted.id : inserted);
    // One after another: a transaction is one connection.
    const accountAtAddress = await times(trx, { scope, phone: key, address }, since, ownId);
    const account = await times(trx, { scope, phone: key }, since, ownId);
    const byAddress = await times(trx, { scope, address }, since, ownId);
    refused = refuse({ accountAtAddress, account, address: byAddress });
    if (refused !== null) {
      await trx('login_failures').where({ id: ownId }).delete();
      return 0;
    }
    return ownId;
  });
  return refused !== null ? { refused } : { id };
}

/** The password of a claimed attempt was wrong: it stays as a failure, no longer pending. */
export async function settleLoginFailure(db: Executor, id: number): Promise<void> {
  await db('login_failures').where({ id }).update({ pending: false });
}

/**
 * The password of a claimed attempt was right: the attempt goes, and so do
 * the account's finished failures from that address. Attempts still being
 * checked stay counted (others' guesses from elsewhere stay too).
 */
export async function clearLoginFailures(db: Executor, id: number, scope: LoginScope, key: string, address: string): Promise<void> {
  await db('login_failures').where({ id }).delete();
  await db('login_failures').where({ scope, phone: key, address, pending: false }).delete();
}

export function deleteLoginFailuresBefore(db: Executor, before: number): Promise<number> {
  return db('login_failures').where('at', '<=', before).delete();
}
