import type { Context, Next } from 'koa';
import { crossSiteRejected } from '../../errors.ts';
import { publicBase } from '../urls.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

// Payment URLs carry their own unguessable token (a provider's page or a
// WebView without a session may post to them); provider notifications are
// signed server-to-server calls. Neither is a borrower's cookie-authenticated write.
const BYPASS = /^\/(pay\/|payout\/notify$)/i;

/**
 * Whether a request comes from another site, decided by headers only (no
 * custom header, no body), as Go 1.25's net/http.CrossOriginProtection does:
 * `Sec-Fetch-Site` first (`same-origin` and `none`, a typed URL or bookmark,
 * pass; `same-site` and `cross-site` do not); without it, `Origin` must name
 * this portal (its Host, or PUBLIC_URL's origin); with neither header the
 * client is not a browser (the lender's app, curl) and is let through, since
 * only browsers attach cookies to requests a third party starts.
 */
export function isCrossOrigin(ctx: Context): boolean {
  const site = ctx.get('Sec-Fetch-Site').toLowerCase();
  if (site) return site !== 'same-origin' && site !== 'none';
  const origin = ctx.get('Origin');
  if (!origin) return false;
  // Privacy-sensitive contexts send the literal "null": never this portal.
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return true;
  }
  return parsed.host !== ctx.host && parsed.origin !== new URL(publicBase(ctx)).origin;
}

/** Refuses a cross-site request (403 in the envelope, or the error page). */
export function assertSameOrigin(ctx: Context): void {
  if (!BYPASS.test(ctx.path) && isCrossOrigin(ctx)) throw crossSiteRejected();
}

/**
 * The first layer against cross-site request forgery, for every unsafe method.
 * It reads headers only, so it runs before any body (multipart included) is
 * read. The spec's state-changing GETs add `requireSameOrigin` on their routes.
 */
export async function crossOriginProtection(ctx: Context, next: Next): Promise<void> {
  if (!SAFE_METHODS.has(ctx.method)) assertSameOrigin(ctx);
  await next();
}

/** For the spec's GET actions that change state (ajaxLogOut, ajaxApply, reLoan): the same rule as a POST. */
export async function requireSameOrigin(ctx: Context, next: Next): Promise<void> {
  assertSameOrigin(ctx);
  await next();
}
