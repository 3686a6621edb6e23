import type { Context } from 'koa';
import { intentToken } from '../services/payments/intents.ts';

/**
 * This portal's public origin: PUBLIC_URL when set, else the request's own
 * protocol and host. (Koa 3's `ctx.origin` is the Origin request header.)
 */
export function publicBase(ctx: Context): string {
  const configured = ctx.deps.config.publicUrl;
  return configured ? new URL(configured).origin : `${ctx.protocol}://${ctx.host}`;
}

/** One of the borrower's loans in full (its order number as sent). */
export function loanDetailPath(oid: string): string {
  return `/Repay/loanDetail?oid=${encodeURIComponent(oid)}`;
}

/** A payment link's own address (absolute), as Repay/payData hands it out. */
export function paymentUrl(ctx: Context, intent: Parameters<typeof intentToken>[0]): string {
  return `${publicBase(ctx)}/Pay/${intentToken(intent, ctx.deps.config.session.secret)}`;
}

const UPLOAD_PATH = /^\/public\/upload\/(\d{8}\/[0-9a-f]{32}\.jpg)$/i;

/**
 * An image reference as the app sends it: the `info` path from ajaxUpload
 * as is, or this portal's own full upload URL (`<origin>/Public/Upload/<info>`,
 * which the spec tells the app to build) turned back into that path. Anything
 * else comes back unchanged, so ownership is still checked on it (and fails).
 */
export function uploadReference(ctx: Context, value: unknown): unknown {
  if (typeof value !== 'string' || !/^https?:\/\//i.test(value.trim())) return value;
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return value;
  }
  const ours = url.origin === new URL(publicBase(ctx)).origin || url.host === ctx.host;
  const path = UPLOAD_PATH.exec(url.pathname)?.[1];
  return ours && path && !url.search && !url.hash ? path : value;
}

/**
 * Where this process itself can be reached for a server-side request (the
 * sandbox's notification): PUBLIC_URL when set, else the address and port the
 * server is bound to, as the socket reports them. Never the request's Host or
 * X-Forwarded-* headers: those are the client's to choose, and a URL built
 * from them would let a caller make the server POST anywhere.
 */
export function ownBase(ctx: Context): string {
  const configured = ctx.deps.config.publicUrl;
  if (configured) return new URL(configured).origin;
  const { localAddress, localPort } = ctx.req.socket;
  const host = localAddress?.includes(':') ? `[${localAddress}]` : localAddress;
  return `http://${host}:${localPort}`;
}
