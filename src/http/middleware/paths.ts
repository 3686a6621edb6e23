import type { Context, Next } from 'koa';

/** Accepts the spec's `.shtml` / `.html` page suffixes: /Repay/index.shtml is /Repay/index. */
export async function stripPageSuffix(ctx: Context, next: Next): Promise<void> {
  if (/\.s?html$/i.test(ctx.path)) ctx.path = ctx.path.replace(/\.s?html$/i, '');
  await next();
}
