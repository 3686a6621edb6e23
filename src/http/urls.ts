import type { Context } from 'koa';

/**
 * This portal's public origin: PUBLIC_URL when set, else the request's own
 * protocol and host. (Koa 3's `ctx.origin` is the Origin request header.)
 */
export function publicBase(ctx: Context): string {
  const configured = ctx.deps.config.publicUrl;
  return configured ? new URL(configured).origin : `${ctx.protocol}://${ctx.host}`;
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
