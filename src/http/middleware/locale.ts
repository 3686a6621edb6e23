import type { Context, Next } from 'koa';
import { fromAcceptLanguage, isLanguage, type Language } from '../../i18n.ts';

/**
 * Picks the request's language: `?lang=` (which also becomes the session's
 * choice, so the switch sticks), then the session's choice, then
 * Accept-Language, then the configured default.
 */
export async function chooseLanguage(ctx: Context, next: Next): Promise<void> {
  // Only the market's languages: anything else (Hindi in Mexico, Spanish in India) is ignored, never an error.
  const offered = ctx.deps.config.languages;
  const usable = (l: unknown): l is Language => isLanguage(l) && offered.includes(l);
  const asked = ctx.query.lang;
  if (usable(asked) && ctx.session && ctx.session.lang !== asked) ctx.session.lang = asked;
  const lang =
    (usable(asked) ? asked : undefined) ??
    (usable(ctx.session?.lang) ? ctx.session.lang : undefined) ??
    fromAcceptLanguage(ctx.get('Accept-Language'), offered) ??
    ctx.deps.config.defaultLanguage;
  ctx.state.lang = lang;
  ctx.state.t = ctx.deps.i18n.t(lang);
  ctx.set('Content-Language', lang);
  await next();
}
