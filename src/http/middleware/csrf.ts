import crypto from 'node:crypto';
import type { Context, Next } from 'koa';
import { randomToken } from '../tokens.ts';
import { csrfRejected } from '../../errors.ts';
import { wantsJson } from '../respond.ts';
import { routeReadsBodyAndCsrf } from './body.ts';
import { assertSameOrigin } from './cross-origin.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * A token masked afresh for one response: a random pad and the token XORed
 * with it. Every page carries different bytes for the same secret, so a
 * compressed response leaks nothing about it (BREACH).
 */
export function maskToken(token: string | undefined): string {
  if (!token) return '';
  const secret = Buffer.from(token, 'base64url');
  const pad = crypto.randomBytes(secret.length);
  const masked = Buffer.alloc(secret.length);
  for (let i = 0; i < secret.length; i++) masked[i] = secret[i]! ^ pad[i]!;
  return Buffer.concat([pad, masked]).toString('base64url');
}

/** The session's synchronizer token, created on first use and masked for this response; pages put it in forms and a meta tag. */
export function csrfToken(ctx: Context): string {
  const session = ctx.session;
  if (!session) return '';
  session.csrf ??= randomToken();
  return maskToken(session.csrf);
}

/** Whether `sent` (masked, or the bare token) carries the secret `expected`, compared in constant time. */
function sameToken(sent: unknown, expected: unknown): boolean {
  if (typeof sent !== 'string' || typeof expected !== 'string' || !sent || !expected || sent.length > 200) return false;
  const secret = Buffer.from(expected, 'base64url');
  let given = Buffer.from(sent, 'base64url');
  if (given.length === secret.length * 2) {
    const pad = given.subarray(0, secret.length);
    given = Buffer.from(given.subarray(secret.length).map((b, i) => b ^ pad[i]!));
  }
  return given.length === secret.length && secret.length > 0 && crypto.timingSafeEqual(given, secret);
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
  if (!console && wantsJson(ctx)) return;
  const body = (ctx.state.multipart?.fields ?? ctx.request.body) as Record<string, unknown> | undefined;
  const sent = ctx.get('X-CSRF-Token') || body?._csrf || ctx.query._csrf;
  const expected = console && ctx.state.staff ? ctx.state.staffCsrf : ctx.session?.csrf;
  if (!sameToken(sent, expected)) throw csrfRejected();
}

/** Both layers: the origin check (cheap, repeated for routes that run it late) and the form token. */
export function assertCsrf(ctx: Context): void {
  assertSameOrigin(ctx);
  assertFormToken(ctx);
}

// Payment URLs carry their own unguessable token (a WebView may have no session),
// and provider notifications carry a signature: neither uses the session token.
const TOKEN_AUTHENTICATED = /^\/pay\//i;
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
