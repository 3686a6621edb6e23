import type Koa from 'koa';
import type { Context, Next } from 'koa';
import { randomToken } from '../tokens.ts';
import createSession from 'koa-session';
import type { Clock } from '../../clock.ts';
import type { Config } from '../../config.ts';
import type { Db } from '../../data/db.ts';
import { borrowerById } from '../../services/auth.ts';
import { DatabaseSessionStore } from '../../services/sessions.ts';
import { unauthenticated } from '../../errors.ts';

export const SESSION_COOKIE = 'cuota.sid';
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
    const borrower = await borrowerById(ctx.deps.db, id);
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
