import type { Context } from 'koa';

/**
 * This portal's public origin: PUBLIC_URL when set, else the request's own
 * protocol and host. (Koa 3's `ctx.origin` is the Origin request header.)
 */
export function publicBase(ctx: Context): string {
  const configured = ctx.deps.config.publicUrl;
  return configured ? new URL(configured).origin : `${ctx.protocol}://${ctx.host}`;
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
