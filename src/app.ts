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
import { securityHeaders } from './http/middleware/security.ts';
import { loadBorrower, sessions } from './http/middleware/session.ts';
import { loadStaff } from './http/middleware/staff.ts';
import { createRouter } from './http/routes.ts';
import { createViews } from './http/views.ts';
import { createGateway } from './services/payments/index.ts';
import { createSmsSender } from './services/sms/index.ts';
import { createIdentityChecks } from './services/identity-checks/index.ts';

const PUBLIC_DIR = fileURLToPath(new URL('../public', import.meta.url));

// Only these paths can be files in public/: nothing else touches the disk.
const STATIC_PATHS = /^\/(css|js|img)\//;

function staticFiles(serveFiles: Koa.Middleware): Koa.Middleware {
  return (ctx, next) => (STATIC_PATHS.test(ctx.path) ? serveFiles(ctx, next) : next());
}

/** Builds the Koa app from its dependencies; never listens (main.ts and the tests do). */
export function createApp(deps: Deps): Koa {
  const { config } = deps;
  const app = new Koa({ proxy: config.trustProxy, keys: [config.session.secret] });
  app.context.deps = deps;
  app.context.views = createViews({ watch: config.env === 'development' });
  app.context.gateway = createGateway(config, deps.db, deps.clock);
  app.context.sms = createSmsSender(config, deps.logger, deps.clock);
  app.context.identityChecks = createIdentityChecks(config);
  // Errors are answered by handleErrors; this only keeps Koa from printing them twice.
  app.silent = true;

  const router = createRouter();
  app
    .use(logRequests)
    .use(securityHeaders(config.session.secureCookie))
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
