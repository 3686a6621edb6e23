import { fileURLToPath } from 'node:url';
import nunjucks from 'nunjucks';
import type { Context } from 'koa';
import { LANGUAGE_NAMES, LANGUAGES, type Language } from '../i18n.ts';
import { formatters } from '../presenters/format.ts';
import { presentIdentity } from '../presenters/product.ts';
import { csrfToken } from './middleware/csrf.ts';

const VIEWS_DIR = fileURLToPath(new URL('../../views', import.meta.url));

export interface Views {
  render(ctx: Context, view: string, data: Record<string, unknown>): string;
}

/** One Nunjucks environment for the app's life: templates compile once and are cached. */
export function createViews(options: { watch: boolean }): Views {
  const env = new nunjucks.Environment(new nunjucks.FileSystemLoader(VIEWS_DIR, { noCache: options.watch }), {
    autoescape: true,
    throwOnUndefined: false,
    trimBlocks: true,
    lstripBlocks: true,
  });
  return {
    render(ctx, view, data) {
      const { lang, t, borrower, form } = ctx.state;
      // One leading slash only: `//evil.example/x` (or `/\evil.example`) would make the links leave the site.
      const switchPath = (ctx.method === 'GET' ? ctx.path : (form?.page ?? '/')).replace(/^[/\\]+/, '/');
      const flash = ctx.session?.flash;
      if (flash && ctx.session) ctx.session.flash = undefined;
      return env.render(view, {
        ...data,
        t,
        lang,
        fmt: formatters(lang, ctx.deps.config),
        me: borrower ? presentIdentity(borrower) : null,
        csrfToken: csrfToken(ctx),
        requestId: ctx.state.requestId,
        flash,
        languages: LANGUAGES.map((code: Language) => ({
          code,
          name: LANGUAGE_NAMES[code],
          href: `${switchPath}?lang=${code}`,
        })),
      });
    },
  };
}
