import { fileURLToPath } from 'node:url';
import Koa from 'koa';
import serve from 'koa-static';
import type { Deps } from './http/context.ts';
import { parseBody } from './http/middleware/body.ts';
import { csrfForUnsafeMethods } from './http/middleware/csrf.ts';
import { handleErrors } from './http/middleware/errors.ts';
import { chooseLanguage } from './http/middleware/locale.ts';
import { stripPageSuffix } from './http/middleware/paths.ts';
import { logRequests } from './http/middleware/request-log.ts';
import { httpsOnly, securityHeaders } from './http/middleware/security.ts';
import { loadBorrower, sessions } from './http/middleware/session.ts';
import { loadStaff } from './http/middleware/staff.ts';
import { createRouter } from './http/routes.ts';
import { createViews } from './http/views.ts';
import { createGateway } from './services/payments/index.ts';

const PUBLIC_DIR = fileURLToPath(new URL('../public', import.meta.url));

// Only these paths can be files in public/: nothing else touches the disk.
const STATIC_PATHS = /^\/(css|js|img)\//;

/**
 * Files in public/ for paths that are plainly file names. Anything odd (a
 * malformed escape like `/css/%`, an encoded `..`) is left to the app, which
 * answers 404 through the error handler instead of koa-send's bare errors.
 */
function staticFiles(serveFiles: Koa.Middleware): Koa.Middleware {
  return (ctx, next) => {
    if (!STATIC_PATHS.test(ctx.path)) return next();
    let decoded: string;
    try {
      decoded = decodeURIComponent(ctx.path);
    } catch {
      return next();
    }
    if (decoded.includes('..') || decoded.includes('\\') || decoded.includes('\0')) return next();
    return serveFiles(ctx, next);
  };
}

/** Builds the Koa app from its dependencies; never listens (main.ts and the tests do). */
export function createApp(deps: Deps): Koa {
  const { config } = deps;
  const app = new Koa({ proxy: config.trustProxy, maxIpsCount: config.proxyHops, keys: [config.session.secret] });
  app.context.deps = deps;
  app.context.views = createViews({ watch: config.env === 'development' });
  app.context.gateway = createGateway(config, deps.db, deps.clock);
  // Errors are answered by handleErrors; this only keeps Koa from printing them twice.
  app.silent = true;

  const router = createRouter();
  app
    .use(logRequests)
    .use(securityHeaders(config.session.secureCookie))
    .use(httpsOnly(config.session.secureCookie))
    .use(staticFiles(serve(PUBLIC_DIR, { maxage: config.env === 'production' ? 86_400_000 : 0, index: false })))
    .use(sessions(app, deps.db, deps.clock, config.session))
    .use(chooseLanguage)
    // Inside the session, so a form re-rendered after an error keeps its CSRF token.
    .use(handleErrors)
    .use(loadBorrower)
    .use(loadStaff)
    .use(stripPageSuffix)
    .use(parseBody)
    .use(csrfForUnsafeMethods)
    .use(router.routes())
    .use(router.allowedMethods());
  return app;
}
