// Sessions in the database: koa-session's store, with the idle and absolute deadlines enforced here.
import crypto from 'node:crypto';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Db } from '../data/db.ts';
import { deleteSession, findSession, saveSession, touchSession } from '../data/repositories/sessions.ts';

// A busy borrower's session is written back at most this often just to stay alive.
const TOUCH_EVERY_MS = 60_000;
// Fields koa-session adds for its own cookie-expiry check; the store enforces expiry itself.
const KOA_FIELDS = ['_expire', '_maxAge', '_session'];

// crypto.hash: the one-shot form, without a Hash object per request.
const digest = (key: string) => crypto.hash('sha256', key, 'hex');

/**
 * koa-session's store interface over the sessions table. The table holds a
 * hash of the cookie's id; idle and absolute deadlines come from the app's
 * clock and are enforced here on every read, whatever the cookie says.
 */
export class DatabaseSessionStore {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly limits: Pick<Config['session'], 'idleMs' | 'absoluteMs'>,
  ) {}

  private deadline(createdAt: number, now: number): number {
    return Math.min(now + this.limits.idleMs, createdAt + this.limits.absoluteMs);
  }

  async get(key: string): Promise<Record<string, unknown> | undefined> {
    const id = digest(key);
    const row = await findSession(this.db, id);
    if (!row) return undefined;
    const now = this.clock.now().getTime();
    if (row.expires_at <= now) {
      await deleteSession(this.db, id);
      return undefined;
    }
    if (now - row.seen_at >= TOUCH_EVERY_MS) {
      await touchSession(this.db, id, now, this.deadline(row.created_at, now));
    }
    return JSON.parse(row.data);
  }

  async set(key: string, session: Record<string, unknown>): Promise<void> {
    const now = this.clock.now().getTime();
    const data = Object.fromEntries(Object.entries(session).filter(([k]) => !KOA_FIELDS.includes(k)));
    const createdAt = typeof data.createdAt === 'number' ? data.createdAt : now;
    data.createdAt = createdAt;
    await saveSession(this.db, {
      id: digest(key),
      data: JSON.stringify(data),
      borrower_id: typeof data.borrowerId === 'number' ? data.borrowerId : null,
      created_at: createdAt,
      seen_at: now,
      expires_at: this.deadline(createdAt, now),
    });
  }

  async destroy(key: string): Promise<void> {
    await deleteSession(this.db, digest(key));
  }
}
