import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet from 'helmet';
import type { Middleware } from 'koa';
import { fromAcceptLanguage } from '../../i18n.ts';

/**
 * The headers helmet sets with these options, worked out once: none of them
 * depends on the request, and running helmet's dozen middlewares (behind a
 * promise each) on every request cost about a tenth of a signed-in JSON answer.
 */
function securityHeaderList(secure: boolean, styleHashes: readonly string[]): ReadonlyArray<readonly [string, string]> {
  const headers = new Map<string, string>();
  const res = {
    setHeader: (name: string, value: string | number) => headers.set(name, String(value)),
    removeHeader: (name: string) => headers.delete(name),
  } as unknown as ServerResponse;
  let done = false;
  helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", ...styleHashes],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'self'"],
        baseUri: ["'self'"],
        objectSrc: ["'none'"],
        ...(secure ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    referrerPolicy: { policy: 'same-origin' },
    strictTransportSecurity: secure ? { maxAge: 15552000 } : false,
    frameguard: { action: 'sameorigin' },
  })({} as IncomingMessage, res, (err?: unknown) => {
    if (err) throw err;
    done = true;
  });
  // helmet calls next synchronously; anything else would mean headers set per request.
  if (!done) throw new Error('helmet did not finish synchronously');
  return Object.freeze([...headers].map(([k, v]) => Object.freeze([k, v] as const)));
}

/**
 * Security headers: a CSP with no inline script (inline style only for the
 * stylesheets whose hashes are given), nosniff, framing limited to this
 * origin, same-origin referrers.
 */
export function securityHeaders(secure: boolean, styleHashes: readonly string[] = []): Middleware {
  const list = securityHeaderList(secure, styleHashes);
  return (ctx, next) => {
    const res = ctx.res;
    for (const [name, value] of list) res.setHeader(name, value);
    return next();
  };
}

/**
 * With COOKIE_SECURE, a request that did not come over HTTPS (per the trusted
 * proxy's X-Forwarded-Proto) gets a clear 400 before the session is touched:
 * a Secure cookie cannot be sent over plain HTTP, and nothing here should be.
 */
export function httpsOnly(required: boolean): Middleware {
  return async (ctx, next) => {
    if (!required || ctx.secure) return next();
    const lang = fromAcceptLanguage(ctx.get('Accept-Language'), ctx.deps.config.languages) ?? ctx.deps.config.defaultLanguage;
    const message = ctx.deps.i18n.t(lang)('errors.https_required');
    ctx.status = 400;
    ctx.set('Cache-Control', 'no-store');
    ctx.set('Content-Language', lang);
    const json = ctx.get('X-Requested-With').toLowerCase() === 'xmlhttprequest' || ctx.accepts('html', 'json') === 'json';
    ctx.body = json ? { status: 400, message, data: '' } : message;
  };
}
