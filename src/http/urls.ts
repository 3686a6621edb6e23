import type { Context } from 'koa';

/**
 * This portal's public origin: PUBLIC_URL when set, else the request's own
 * protocol and host. (Koa 3's `ctx.origin` is the Origin request header.)
 */
export function publicBase(ctx: Context): string {
  const configured = ctx.deps.config.publicUrl;
  return configured ? new URL(configured).origin : `${ctx.protocol}://${ctx.host}`;
}
