import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Db } from '../data/db.ts';
import { deleteLoginFailuresBefore } from '../data/repositories/login-failures.ts';
import { deleteCodesBefore } from '../data/repositories/one-time-codes.ts';
import { deleteRateEventsBefore } from '../data/repositories/rate-events.ts';
import { deleteExpiredSessions } from '../data/repositories/sessions.ts';

/** Deletes expired sessions, login failures older than the lockout window, and rate events older than an hour. */
export async function pruneExpired(db: Db, clock: Clock, config: Pick<Config, 'login'>) {
  const now = clock.now().getTime();
  const sessions = await deleteExpiredSessions(db, now);
  const loginFailures = await deleteLoginFailuresBefore(db, now - config.login.windowMs);
  // Code requests stay a day: the hourly caps need one hour, the console shows the recent ones.
  const codes = await deleteCodesBefore(db, now - 24 * 3_600_000);
  // Rate limits look back an hour at most.
  const rateEvents = await deleteRateEventsBefore(db, now - 3_600_000);
  return { sessions, loginFailures, codes, rateEvents };
}
