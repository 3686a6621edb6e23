import type { Context } from 'koa';
import { maskToken } from './tokens.ts';

/**
 * True unless the client prefers a page: JSON for `?format=json`, for
 * `X-Requested-With: XMLHttpRequest`, for no Accept at all (OkHttp's default)
 * and for a bare wildcard Accept; a page only when `text/html` ranks above JSON, as in every
 * browser navigation and form post.
 */
export function wantsJson(ctx: Context): boolean {
  if (ctx.query.format === 'json') return true;
  if (ctx.get('X-Requested-With').toLowerCase() === 'xmlhttprequest') return true;
  if (!ctx.get('Accept')) return true;
  return ctx.accepts('json', 'html') !== 'html';
}

export interface Answer {
  /** The page shown for a GET (and by default after a form POST's redirect). */
  view?: string;
  /** The view model: the JSON `data` and the page's variables. */
  data?: unknown;
  /** i18n key of the JSON `message` (and of the flash after a form POST). */
  message?: string;
  /** A whole JSON body, for actions whose envelope differs from the usual one. */
  json?: Record<string, unknown>;
  /** Where a form POST goes next (303). Defaults to the current path. */
  redirect?: string;
  /** i18n key of a message shown once on the next page after a form POST. */
  flash?: string;
  /** Variables only the page needs (never sent as JSON); computed only when a page is rendered. */
  page?: () => Record<string, unknown>;
  /** The envelope's `status` when it is not 200 (Repay/ajaxDelay's 402); the HTTP status stays 200. */
  status?: number;
}

/** Answers one action as JSON or as a page (GET renders, POST redirects 303 with a flash). */
export function respond(ctx: Context, answer: Answer): void {
  ctx.vary('Accept');
  ctx.set('Cache-Control', 'no-store');
  if (wantsJson(ctx)) {
    // The lender's app treats any non-2xx as a network failure: the outcome lives in the envelope.
    ctx.status = 200;
    ctx.body = answer.json ?? {
      status: answer.status ?? 200,
      message: answer.message ? ctx.state.t(answer.message) : '',
      data: answer.data ?? '',
    };
    return;
  }
  if ((ctx.method === 'GET' || ctx.method === 'HEAD') && answer.view) {
    renderPage(ctx, answer.view, { ...(answer.data as Record<string, unknown>), ...answer.page?.() });
    return;
  }
  if (answer.flash && ctx.session) ctx.session.flash = answer.flash;
  ctx.status = 303;
  ctx.redirect(answer.redirect ?? ctx.path);
}

/**
 * The console's `respond`: it is HTML only, so a GET renders the view with the
 * staff member and the console's CSRF token, and a form POST redirects (303)
 * with a flash. Errors leave through middleware/errors.ts like everywhere else.
 */
export function respondConsole(ctx: Context, answer: { view: string; data?: Record<string, unknown> } | { redirect: string; flash?: string }): void {
  if ('view' in answer) {
    const { staff, staffCsrf } = ctx.state;
    renderPage(ctx, answer.view, { ...answer.data, staff, staffCsrf: staffCsrf && maskToken(staffCsrf) });
    return;
  }
  if (answer.flash && ctx.session) ctx.session.flash = answer.flash;
  ctx.status = 303;
  ctx.redirect(answer.redirect);
}

/** Renders a page with the layout's shared variables. */
export function renderPage(ctx: Context, view: string, data: Record<string, unknown>, status = 200): void {
  ctx.vary('Accept');
  ctx.set('Cache-Control', 'no-store');
  ctx.status = status;
  ctx.type = 'html';
  // Bytes, encoded once: as a string, Koa would measure its UTF-8 length and Node encode it again.
  ctx.body = Buffer.from(ctx.views.render(ctx, view, data));
}
