import type { Context, Next } from 'koa';
import { randomToken } from '../tokens.ts';
import { staffById } from '../../services/auth.ts';
import { authorize, type Subject, type Verb } from '../../policies.ts';
import { DatabaseSessionStore } from '../../services/sessions.ts';

export const STAFF_COOKIE = 'cuota.staff';
// Staff cookies are read only where staff work: the console and the private files.
const STAFF_PATHS = /^\/(support(\/|$)|public\/upload\/)/i;

function store(ctx: Context): DatabaseSessionStore {
  const { db, clock, config } = ctx.deps;
  return new DatabaseSessionStore(db, clock, config.session);
}

/**
 * Staff sessions are apart from borrower sessions: their own signed cookie
 * (SameSite=Strict), their own row in the sessions table with the same idle
 * and absolute limits, their own CSRF token. A borrower's session never opens
 * the console.
 */
export async function loadStaff(ctx: Context, next: Next): Promise<void> {
  if (STAFF_PATHS.test(ctx.path)) {
    const key = ctx.cookies.get(STAFF_COOKIE, { signed: true });
    const data = key ? await store(ctx).get(key) : undefined;
    const staff = typeof data?.staffId === 'number' ? await staffById(ctx.deps.db, data.staffId) : undefined;
    if (staff && typeof data?.csrf === 'string') {
      ctx.state.staff = staff;
      ctx.state.staffCsrf = data.csrf;
    }
  }
  await next();
}

const cookieOptions = (ctx: Context) => ({
  signed: true,
  httpOnly: true,
  sameSite: 'strict' as const,
  secure: ctx.deps.config.session.secureCookie,
  path: '/',
});

/** Signs a staff member in: a new session id, a new CSRF token. */
export async function startStaffSession(ctx: Context, staffId: number): Promise<void> {
  const key = randomToken();
  const csrf = randomToken();
  await store(ctx).set(key, { staffId, csrf, createdAt: ctx.deps.clock.now().getTime() });
  ctx.cookies.set(STAFF_COOKIE, key, { ...cookieOptions(ctx), maxAge: ctx.deps.config.session.absoluteMs });
}

/** Signs a staff member out everywhere this cookie was used: the row is deleted. */
export async function endStaffSession(ctx: Context): Promise<void> {
  const key = ctx.cookies.get(STAFF_COOKIE, { signed: true });
  if (key) await store(ctx).destroy(key);
  ctx.cookies.set(STAFF_COOKIE, '', { ...cookieOptions(ctx), expires: new Date(0) });
}

/** A console route's guard, carrying the grant it checks (the route walker in the tests reads it). */
export interface StaffGuard {
  (ctx: Context, next: Next): Promise<void>;
  policy: { verb: Verb; subject: Subject };
}

/**
 * Console pages: a visitor (or a borrower) goes to the staff sign-in; a staff
 * member whose role the policy table (src/policies.ts) does not grant `verb`
 * on `subject` is refused (403).
 */
export function staffMay(verb: Verb, subject: Subject): StaffGuard {
  const guard = async function staffMay(ctx: Context, next: Next): Promise<void> {
    const staff = ctx.state.staff;
    if (!staff) {
      ctx.status = ctx.method === 'GET' ? 302 : 303;
      ctx.redirect('/support/login');
      return;
    }
    authorize({ kind: 'staff', id: staff.id, role: staff.role }, verb, subject);
    await next();
  };
  return Object.assign(guard, { policy: { verb, subject } });
}
