// What an action shows when it refuses, declared with its route in routes.ts
// (`form(...)`, `flashTo(...)`, `infoEnvelope`) and read by middleware/errors.ts.
// Controllers never stash error callbacks: the declaration is data plus, for a
// form on a page that shows more than the form, the page model that fills it.
import type { Context, Middleware } from 'koa';
import { input } from './validate.ts';

/** The page model a re-rendered form needs besides the values sent back (the same one its GET shows). */
export type PageModel = (ctx: Context, fields: Record<string, unknown>) => Promise<object | undefined> | object | undefined;

/** A form page re-rendered with the user's values, the field errors and the message (401, 413, 415, 422, 429). */
export interface FormView {
  kind: 'form';
  view: string;
  /** The page's own GET path (for the language switch on the re-rendered form), or how to pick it from the fields. */
  page: string | ((fields: Record<string, unknown>, params: Record<string, string>) => string);
  /** The fields sent back to the form: named ones, every field sent, or picked by the action's own function. */
  values: readonly string[] | 'all' | ((fields: Record<string, unknown>) => Record<string, unknown>);
  model?: PageModel;
}

/** A redirect (303) to a page that shows the refusal as a flash; `:name` is filled from the path's params, else the fields. */
export interface FlashView {
  kind: 'flash';
  /** A path (`:name` filled as above), or how to pick one of the action's fixed pages from the fields. */
  redirect: string | ((fields: Record<string, unknown>) => string);
  /** Where to go when a `:name` of `redirect` was not sent. */
  fallback?: string;
}

/** A route's error view: the page a refusal shows, and the JSON envelope when it is not the usual one. */
export interface ErrorView {
  page?: FormView | FlashView;
  /** Info/ajaxUpload and Repay/repayProof answer `{info, status, url}`, errors included (status 0). */
  envelope?: 'info';
}

/** Declares (part of) a route's error view; the middleware only records it for the errors middleware. */
function declare(part: ErrorView): Middleware {
  return async function errorView(ctx, next) {
    ctx.state.errorView = { ...ctx.state.errorView, ...part };
    await next();
  };
}

/** The route's error page is its form re-rendered (see FormView). */
export function form(view: string, options: Omit<FormView, 'kind' | 'view' | 'values'> & { values?: FormView['values'] }): Middleware {
  return declare({ page: { kind: 'form', view, values: options.values ?? [], page: options.page, model: options.model } });
}

/** The route's error page is a flash on another page (see FlashView). */
export function flashTo(redirect: FlashView['redirect'], fallback?: string): Middleware {
  return declare({ page: { kind: 'flash', redirect, fallback } });
}

/** The route answers errors in the `{info, status, url}` envelope. */
export const infoEnvelope: Middleware = declare({ envelope: 'info' });

/** The fields an action was sent: the multipart form's, else query and body. */
export function sentFields(ctx: Context): Record<string, unknown> {
  return ctx.state.multipart?.fields ?? input(ctx);
}

/** The form page's own path, when the route declares a form. */
export function formPage(ctx: Context): string | undefined {
  const view = ctx.state.errorView?.page;
  if (view?.kind !== 'form') return undefined;
  return typeof view.page === 'string' ? view.page : view.page(sentFields(ctx), ctx.params ?? {});
}

/** The values a form is re-rendered with. */
export function formValues(view: FormView, fields: Record<string, unknown>): Record<string, unknown> {
  if (view.values === 'all') return fields;
  if (typeof view.values === 'function') return view.values(fields);
  return Object.fromEntries(view.values.map((name) => [name, fields[name]]));
}

/** Where a flash view redirects for this request. */
export function flashRedirect(ctx: Context, view: FlashView): string {
  const fields = sentFields(ctx);
  if (typeof view.redirect === 'function') return view.redirect(fields);
  let missing = false;
  const path = view.redirect.replace(/:([a-z_]+)/gi, (_, name: string) => {
    const value = ctx.params?.[name] ?? fields[name];
    if (typeof value !== 'string') {
      missing = true;
      return '';
    }
    return encodeURIComponent(value);
  });
  return missing && view.fallback ? view.fallback : path;
}
