import crypto from 'node:crypto';
import type { Context, Next } from 'koa';

/**
 * One structured log line per request. It names the matched route rather than
 * the raw URL, so tokens in paths or query strings never reach the log, and it
 * never logs headers, cookies or bodies. Failures above the error middleware
 * (session store, language) still answer a bare 500 here.
 */
export async function logRequests(ctx: Context, next: Next): Promise<void> {
  const started = process.hrtime.bigint();
  ctx.state.requestId = crypto.randomUUID();
  ctx.set('X-Request-Id', ctx.state.requestId);
  try {
    await next();
  } catch (err) {
    // Only failures below handleErrors' reach (session store, language) land here.
    ctx.deps.logger.error({ err, requestId: ctx.state.requestId }, 'unhandled error');
    ctx.status = 500;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { status: 500, message: 'Internal Server Error', data: '' };
  } finally {
    const route = (ctx as { _matchedRoute?: string })._matchedRoute;
    ctx.deps.logger.info(
      {
        requestId: ctx.state.requestId,
        method: ctx.method,
        route: route ?? (ctx.status === 404 ? '(unmatched)' : ctx.path.slice(0, 100)),
        status: ctx.status,
        ms: Number(process.hrtime.bigint() - started) / 1e6,
        ip: ctx.ip,
        borrower: ctx.state.borrower?.id,
      },
      'request',
    );
  }
}
