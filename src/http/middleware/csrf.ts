import type { Context, Next } from 'koa';
import { maskToken, randomToken, tokenMatches } from '../tokens.ts';
import { csrfRejected } from '../../errors.ts';
import { wantsJson } from '../respond.ts';
import { routeReadsBodyAndCsrf } from './body.ts';
import { assertSameOrigin } from './cross-origin.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The session's synchronizer token (created on first use), masked afresh on
 * every call so no two responses carry the same bytes (BREACH); pages put it
 * in forms and a meta tag.
 */
export function csrfToken(ctx: Context): string {
  const session = ctx.session;
  if (!session) return '';
  session.csrf ??= randomToken();
  return maskToken(session.csrf);
}

/**
 * The second layer, for page forms: a request answered with a page (the
 * client prefers text/html) and every console request must carry the
 * session's token (form field `_csrf`, header X-CSRF-Token or `?_csrf=`).
 * JSON clients are covered by the cross-origin check alone, which needs no
 * custom header, so the spec's raw requests pass.
 */
export function assertFormToken(ctx: Context): void {
  // The console is HTML only: its forms carry the staff session's own token.
  const console = /^\/support(\/|$)/i.test(ctx.path);
  if (!console && wantsJson(ctx) && !navigation(ctx)) return;
  const body = (ctx.state.multipart?.fields ?? ctx.request.body) as Record<string, unknown> | undefined;
  const sent = ctx.get('X-CSRF-Token') || body?._csrf || ctx.query._csrf;
  const expected = console && ctx.state.staff ? ctx.state.staffCsrf : ctx.session?.csrf;
  if (!tokenMatches(sent, expected)) throw csrfRejected();
}

/**
 * A state-changing GET that a browser navigation could have made: its Accept
 * puts a page first (a top-level navigation always does, and it alone carries
 * SameSite=Lax cookies across sites, with no Origin in browsers without Fetch
 * Metadata). `?format=json` or X-Requested-With must not waive the token then.
 */
function navigation(ctx: Context): boolean {
  return SAFE_METHODS.has(ctx.method) && Boolean(ctx.get('Accept')) && ctx.accepts('json', 'html') === 'html';
}

/** Both layers: the origin check (cheap, repeated for routes that run it late) and the form token. */
export function assertCsrf(ctx: Context): void {
  assertSameOrigin(ctx);
  assertFormToken(ctx);
}

/**
 * The part of assertCsrf that needs no body, for multipart uploads before a
 * byte of them is read: the origin check is complete here, and so is a token
 * sent as a header; a page form's token travels in the body, so here it must
 * at least come from a session that holds a token. assertCsrf runs again once
 * the body is parsed.
 */
export function assertCsrfBeforeBody(ctx: Context): void {
  assertSameOrigin(ctx);
  const console = /^\/support(\/|$)/i.test(ctx.path);
  if (!console && wantsJson(ctx)) return;
  if (ctx.get('X-CSRF-Token')) {
    assertFormToken(ctx);
    return;
  }
  const expected = console && ctx.state.staff ? ctx.state.staffCsrf : ctx.session?.csrf;
  if (!expected) throw csrfRejected();
}

// Payment URLs carry their own unguessable token (a WebView may have no session),
// and provider notifications carry a signature: neither uses the session token.
const TOKEN_AUTHENTICATED = /^\/(pay\/|payout\/notify$)/i;
/** Checks the form token on every unsafe method; GET actions that change state add `requireCsrf` to their route. */
export async function csrfForUnsafeMethods(ctx: Context, next: Next): Promise<void> {
  if (!SAFE_METHODS.has(ctx.method) && !TOKEN_AUTHENTICATED.test(ctx.path) && !routeReadsBodyAndCsrf(ctx)) assertFormToken(ctx);
  await next();
}

/** For the spec's GET actions that change state (ajaxLogOut, ajaxApply, reLoan): the same two layers as a POST. */
export async function requireCsrf(ctx: Context, next: Next): Promise<void> {
  assertCsrf(ctx);
  await next();
}
