import crypto from 'node:crypto';
import type { Context, Next } from 'koa';
import { isDatabaseUnavailable } from '../../data/db.ts';

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
    ctx.set('Cache-Control', 'no-store');
    if (isDatabaseUnavailable(err)) {
      // The session store's database is away for a moment: the same 503 envelope as below.
      ctx.deps.logger.warn({ err: { message: (err as Error).message }, requestId: ctx.state.requestId }, 'database unavailable');
      ctx.status = 503;
      ctx.set('Retry-After', '5');
      const t = ctx.deps.i18n.t(ctx.deps.config.defaultLanguage);
      ctx.body = { status: 503, message: t('errors.unavailable'), data: '' };
    } else {
      ctx.deps.logger.error({ err, requestId: ctx.state.requestId }, 'unhandled error');
      ctx.status = 500;
      ctx.body = { status: 500, message: 'Internal Server Error', data: '' };
    }
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
