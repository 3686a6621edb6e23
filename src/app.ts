import { fileURLToPath } from 'node:url';
import Koa from 'koa';
import { createAssets } from './http/assets.ts';
import { countRequests, createMetrics, operations } from './http/operations.ts';
import type { Deps } from './http/context.ts';
import { parseBody } from './http/middleware/body.ts';
import { csrfForUnsafeMethods } from './http/middleware/csrf.ts';
import { compression } from './http/middleware/compress.ts';
import { crossOriginProtection } from './http/middleware/cross-origin.ts';
import { handleErrors } from './http/middleware/errors.ts';
import { chooseLanguage } from './http/middleware/locale.ts';
import { stripPageSuffix } from './http/middleware/paths.ts';
import { logRequests } from './http/middleware/request-log.ts';
import { httpsOnly, securityHeaders } from './http/middleware/security.ts';
import { loadBorrower, sessions } from './http/middleware/session.ts';
import { loadStaff } from './http/middleware/staff.ts';
import { createRouter } from './http/routes.ts';
import { methodNotAllowed } from './errors.ts';
import { createViews } from './http/views.ts';
import { createGateway } from './services/payments/index.ts';
import { createSmsSender } from './services/sms/index.ts';
import { createIdentityChecks } from './services/identity-checks/index.ts';
import { createPayoutGateway } from './services/payouts/index.ts';

const PUBLIC_DIR = fileURLToPath(new URL('../public', import.meta.url));

/** Builds the Koa app from its dependencies; never listens (main.ts and the tests do). */
export function createApp(deps: Deps): Koa {
  const { config } = deps;
  const app = new Koa({ proxy: config.trustProxy, maxIpsCount: config.proxyHops, keys: [config.session.secret] });
  app.context.deps = deps;
  const assets = createAssets(PUBLIC_DIR, { dev: config.env === 'development' });
  app.context.views = createViews({ watch: config.env === 'development', assets });
  app.context.gateway = createGateway(config, deps.db, deps.clock);
  app.context.payouts = createPayoutGateway(config, deps.clock);
  app.context.sms = createSmsSender(config, deps.logger, deps.clock);
  app.context.identityChecks = createIdentityChecks(config);
  const metrics = createMetrics(deps.db);
  app.context.metrics = metrics;
  // Errors are answered by handleErrors; this only keeps Koa from printing them twice.
  app.silent = true;

  const router = createRouter();
  app
    // Probes and scrapes first: no session, language or log line for them.
    .use(operations(deps, metrics, deps.lifecycle ?? { stopping: false }))
    .use(countRequests(metrics))
    .use(logRequests)
    .use(compression)
    .use(securityHeaders(config.session.secureCookie, [assets.inlineCssHash]))
    .use(httpsOnly(config.session.secureCookie))
    .use(assets.middleware)
    .use(sessions(app, deps.db, deps.clock, config.session))
    .use(chooseLanguage)
    // Inside the session, so a form re-rendered after an error keeps its CSRF token.
    .use(handleErrors)
    // Headers only, before any body is read: a cross-site write is refused unread.
    .use(crossOriginProtection)
    .use(loadBorrower)
    .use(loadStaff)
    .use(stripPageSuffix)
    .use(parseBody)
    .use(csrfForUnsafeMethods)
    .use(router.routes())
    .use(router.allowedMethods({ throw: true, methodNotAllowed: methodNotAllowed, notImplemented: methodNotAllowed }));
  return app;
}
