import type { Context, Next } from 'koa';
import { AppError, badRequest, notFound, payloadTooLarge, unavailable, unsupportedMediaType } from '../../errors.ts';
import { isDatabaseUnavailable } from '../../data/db.ts';
import { formatters } from '../../presenters/format.ts';
import { flashRedirect, formValues, sentFields } from '../error-views.ts';
import { renderPage, wantsJson } from '../respond.ts';

/** Turns whatever a lower layer threw into an AppError; unknown errors become null (500). */
function toAppError(err: unknown): AppError | null {
  if (err instanceof AppError) return err;
  if (isDatabaseUnavailable(err)) return unavailable();
  const status = (err as { status?: unknown; expose?: unknown })?.status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    // koa-body, raw-body and koa itself throw http-errors for bad bodies.
    if (status === 413) return payloadTooLarge();
    if (status === 415) return unsupportedMediaType();
    if (status === 404) return notFound();
    return badRequest();
  }
  return null;
}

// The two actions that answer `{info, status, url}`, errors included, whichever
// layer refused them (the cross-origin check and the sign-in guard run before their routes).
const INFO_ENVELOPE_ROUTES = /^\/(info\/ajaxupload|repay\/repayproof)(\.s?html)?$/i;

// Not the lender's app: a payment provider retries a notification on a non-2xx,
// so its refusals keep their real HTTP status. The staff console is HTML only.
const PROVIDER_ROUTES = /^\/pay\/notify$/i;
const CONSOLE_ROUTES = /^\/support(\/|$)/i;

/** An error's calendar days: ISO in the envelope (as the app always had them), in the reader's language on a page. */
function daysFor(ctx: Context, err: AppError, json: boolean): Record<string, string> {
  const days = err.options.days ?? {};
  if (json) return days;
  const fmt = formatters(ctx.state.lang, ctx.deps.config);
  return Object.fromEntries(Object.entries(days).map(([k, iso]) => [k, fmt.day(iso)]));
}

/** The envelope's `status` for an error: -100 for a visitor on a borrower's action (as the spec's Repay/loans), else the error's code. */
function envelopeStatus(err: AppError): number {
  return err.code === 'unauthenticated' ? -100 : err.status;
}

/**
 * Every error leaves through here: JSON `{status, message, data: ""}` as HTTP
 * 200 (only a server fault is a 5xx; the envelope carries the refusal), or a page: the error view its
 * route declares (`error-views.ts`: the form re-rendered, or a flash on another page), a redirect to sign in, or
 * the error page. Unknown errors are logged with the request id and shown as
 * a plain 500.
 */
export async function handleErrors(ctx: Context, next: Next): Promise<void> {
  try {
    await next();
    if (ctx.status === 404 && ctx.body == null) throw notFound();
  } catch (thrown) {
    const known = toAppError(thrown);
    if (!known) {
      ctx.deps.logger.error({ err: thrown, requestId: ctx.state.requestId }, 'unhandled error');
    }
    const err = known ?? new AppError(500, 'internal', 'errors.internal');
    ctx.set(err.options.headers ?? {});
    ctx.vary('Accept');
    ctx.set('Cache-Control', 'no-store');
    const { t } = ctx.state;
    const errorView = ctx.state.errorView?.page;
    const json = wantsJson(ctx) && !CONSOLE_ROUTES.test(ctx.path);
    const message = t(err.key, { ...err.options.params, ...daysFor(ctx, err, json) });

    if (json) {
      ctx.status = err.status >= 500 || PROVIDER_ROUTES.test(ctx.path) ? err.status : 200;
      ctx.body = ctx.state.errorView?.envelope === 'info' || INFO_ENVELOPE_ROUTES.test(ctx.path)
        ? { info: message, status: err.code === 'unauthenticated' ? -100 : 0, url: '' }
        : { status: envelopeStatus(err), message, data: '' };
      return;
    }
    if (errorView?.kind === 'flash' && err.status < 500 && err.status !== 401 && ctx.session) {
      ctx.session.flash = err.key;
      ctx.session.flashError = true;
      ctx.status = 303;
      ctx.redirect(flashRedirect(ctx, errorView));
      return;
    }
    if (err.status === 401 && err.code === 'unauthenticated') {
      ctx.status = ctx.method === 'GET' ? 302 : 303;
      ctx.redirect('/Index/login');
      return;
    }
    if (errorView?.kind === 'form' && [401, 413, 415, 422, 429].includes(err.status)) {
      const errors = Object.fromEntries(Object.entries(err.options.fields ?? {}).map(([f, k]) => [f, t(k)]));
      const sent = sentFields(ctx);
      let data: object;
      try {
        data = (await errorView.model?.(ctx, sent)) ?? {};
      } catch (inner) {
        // The form's page itself cannot be shown (a product that does not exist): that refusal is the answer.
        if (!(inner instanceof AppError) || inner.status >= 500) throw inner;
        renderPage(ctx, 'errors/error.njk', { status: inner.status, message: t(inner.key, inner.options.params) }, inner.status);
        return;
      }
      renderPage(ctx, errorView.view, { ...data, values: formValues(errorView, sent), errors, formError: message }, err.status);
      return;
    }
    renderPage(ctx, 'errors/error.njk', { status: err.status, message }, err.status);
  }
}
