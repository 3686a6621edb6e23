import crypto from 'node:crypto';
import type { Context, Next } from 'koa';
import { randomToken } from '../tokens.ts';
import { csrfRejected } from '../../errors.ts';
import { publicBase } from '../urls.ts';
import { routeReadsBodyAndCsrf } from './body.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The session's synchronizer token, created on first use; pages put it in forms and a meta tag. */
export function csrfToken(ctx: Context): string {
  const session = ctx.session;
  if (!session) return '';
  session.csrf ??= randomToken();
  return session.csrf;
}

function sameToken(a: unknown, b: unknown): boolean {
  if (typeof a !== 'string' || typeof b !== 'string' || !a || !b) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

/**
 * Passes a state-changing request only when it carries the session's token
 * (form field `_csrf` or header X-CSRF-Token), or comes from an app client:
 * `X-Requested-With: XMLHttpRequest` (which a cross-site form cannot send)
 * with a same-origin Origin when one is sent.
 */
export function assertCsrf(ctx: Context): void {
  // The console is HTML only: its forms carry the staff session's own token.
  const console = /^\/support(\/|$)/i.test(ctx.path);
  if (!console && ctx.get('X-Requested-With').toLowerCase() === 'xmlhttprequest') {
    const origin = ctx.get('Origin');
    if (!origin || origin === publicBase(ctx)) return;
    throw csrfRejected();
  }
  const body = (ctx.state.multipart?.fields ?? ctx.request.body) as Record<string, unknown> | undefined;
  const sent = ctx.get('X-CSRF-Token') || body?._csrf || ctx.query._csrf;
  const expected = console && ctx.state.staff ? ctx.state.staffCsrf : ctx.session?.csrf;
  if (!sameToken(sent, expected)) throw csrfRejected();
}

/**
 * The part of assertCsrf that needs no body, for multipart uploads before a
 * byte of them is read: an app client's same-origin check, or a token sent as
 * a header, is complete here; a form's token travels in the body, so here it
 * must at least come from this origin (when the browser says) and from a
 * session that holds a token. assertCsrf runs again once the body is parsed.
 */
export function assertCsrfBeforeBody(ctx: Context): void {
  const console = /^\/support(\/|$)/i.test(ctx.path);
  if ((!console && ctx.get('X-Requested-With').toLowerCase() === 'xmlhttprequest') || ctx.get('X-CSRF-Token')) {
    assertCsrf(ctx);
    return;
  }
  const origin = ctx.get('Origin');
  if (origin && origin !== publicBase(ctx)) throw csrfRejected();
  if (ctx.get('Sec-Fetch-Site') === 'cross-site') throw csrfRejected();
  const expected = console && ctx.state.staff ? ctx.state.staffCsrf : ctx.session?.csrf;
  if (!expected) throw csrfRejected();
}

// Payment URLs carry their own unguessable token (a WebView may have no session),
// and provider notifications carry a signature: neither uses the session token.
const TOKEN_AUTHENTICATED = /^\/pay\//i;
/** Checks every unsafe method; GET actions that change state add `requireCsrf` to their route. */
export async function csrfForUnsafeMethods(ctx: Context, next: Next): Promise<void> {
  if (!SAFE_METHODS.has(ctx.method) && !TOKEN_AUTHENTICATED.test(ctx.path) && !routeReadsBodyAndCsrf(ctx)) assertCsrf(ctx);
  await next();
}

/** For the spec's GET actions that change state (ajaxLogOut, ajaxApply, reLoan). */
export async function requireCsrf(ctx: Context, next: Next): Promise<void> {
  assertCsrf(ctx);
  await next();
}
