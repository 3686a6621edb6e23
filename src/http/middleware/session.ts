import crypto from 'node:crypto';
import type Koa from 'koa';
import type { Context, Next } from 'koa';
import { randomToken } from '../tokens.ts';
import createSession from 'koa-session';
import type { Clock } from '../../clock.ts';
import type { Config } from '../../config.ts';
import type { Db } from '../../data/db.ts';
import { deleteSession, findSession, saveSession, touchSession } from '../../data/repositories/sessions.ts';
import { findBorrowerById } from '../../data/repositories/borrowers.ts';
import { unauthenticated } from '../../errors.ts';

export const SESSION_COOKIE = 'cuota.sid';
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

/**
 * koa-session over the database: 256-bit random ids in an HttpOnly,
 * SameSite=Lax cookie. The cookie is not signed: the id is already
 * unguessable and only its SHA-256 is stored, so a forged id is simply not
 * found; keygrip's check (two HMACs and a random draw per request) cost a
 * tenth of a signed-in JSON request.
 */
export function sessions(app: Koa, db: Db, clock: Clock, config: Config['session']) {
  return createSession(
    {
      key: SESSION_COOKIE,
      store: new DatabaseSessionStore(db, clock, config),
      genid: () => randomToken(),
      // The cookie may live as long as the absolute limit; the store decides sooner.
      maxAge: config.absoluteMs,
      httpOnly: true,
      sameSite: 'lax',
      secure: config.secureCookie,
      signed: false,
      rolling: false,
      renew: false,
    },
    app,
  );
}

/**
 * Starts a fresh session for a borrower who just signed in: a new id (the old
 * one stops working), a new CSRF token, and a new absolute deadline. Only the
 * language choice survives.
 */
export async function startBorrowerSession(ctx: Context, borrowerId: number): Promise<void> {
  const session = ctx.session!;
  const lang = session.lang;
  for (const k of Object.keys(session.toJSON())) delete (session as unknown as Record<string, unknown>)[k];
  session.lang = lang;
  session.borrowerId = borrowerId;
  session.createdAt = ctx.deps.clock.now().getTime();
  session.csrf = randomToken();
  await session.regenerate();
}

/** Puts the signed-in borrower (if any) on ctx.state; a session for a deleted borrower is dropped. */
export async function loadBorrower(ctx: Context, next: Next): Promise<void> {
  const id = ctx.session?.borrowerId;
  if (typeof id === 'number') {
    const borrower = await findBorrowerById(ctx.deps.db, id);
    if (borrower) ctx.state.borrower = borrower;
    else ctx.session = null;
  }
  await next();
}

/** Guards (auth) actions: a visitor gets 401 (JSON) or the login page (HTML). */
export async function requireBorrower(ctx: Context, next: Next): Promise<void> {
  if (!ctx.state.borrower) throw unauthenticated();
  await next();
}
