import type { Context, Next } from 'koa';
import { fromAcceptLanguage, isLanguage } from '../../i18n.ts';

/**
 * Picks the request's language: `?lang=` (which also becomes the session's
 * choice, so the switch sticks), then the session's choice, then
 * Accept-Language, then the configured default.
 */
export async function chooseLanguage(ctx: Context, next: Next): Promise<void> {
  const asked = ctx.query.lang;
  if (isLanguage(asked) && ctx.session && ctx.session.lang !== asked) ctx.session.lang = asked;
  const lang =
    (isLanguage(asked) ? asked : undefined) ??
    (isLanguage(ctx.session?.lang) ? ctx.session.lang : undefined) ??
    fromAcceptLanguage(ctx.get('Accept-Language')) ??
    ctx.deps.config.defaultLanguage;
  ctx.state.lang = lang;
  ctx.state.t = ctx.deps.i18n.t(lang);
  ctx.set('Content-Language', lang);
  await next();
}
