import type { Db, Executor } from '../db.ts';

export interface RateEventRow {
  id: number;
  kind: string;
  subject: string;
  at: number;
}

/**
 * Counts one event of `kind` for `subject` unless `max` were already counted
 * after `since`; answers the times of those counted (oldest first) when it
 * refuses, or null when this one was counted. One transaction: on SQLite the
 * insert takes the write lock first, so a burst is counted exactly.
 */
export async function countRateEvent(
  db: Db,
  event: { kind: string; subject: string; at: number; since: number; max: number },
): Promise<number[] | null> {
  return db.transaction(async (trx) => {
    if (db.client.config.client === 'pg') {
      await trx.raw('select pg_advisory_xact_lock(hashtext(?))', [`rate:${event.kind}:${event.subject}`]);
    }
    const [inserted] = await trx('rate_events').insert({ kind: event.kind, subject: event.subject, at: event.at }).returning('id');
    const id = Number(typeof inserted === 'object' ? inserted.id : inserted);
    const rows = await trx('rate_events')
      .where({ kind: event.kind, subject: event.subject })
      .andWhere('at', '>', event.since)
      .andWhereNot({ id })
      .orderBy('at')
      .select('at');
    if (rows.length < event.max) return null;
    await trx('rate_events').where({ id }).delete();
    return rows.map((r: { at: number }) => Number(r.at));
  });
}

export function deleteRateEventsBefore(db: Executor, before: number): Promise<number> {
  return db('rate_events').where('at', '<=', before).delete();
}
