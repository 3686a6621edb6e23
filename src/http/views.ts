import { fileURLToPath } from 'node:url';
import nunjucks from 'nunjucks';
import type { Context } from 'koa';
import { LANGUAGE_NAMES, LANGUAGES, type Language } from '../i18n.ts';
import { formatters } from '../presenters/format.ts';
import { presentIdentity } from '../presenters/product.ts';
import type { Assets } from './assets.ts';
import { csrfToken } from './middleware/csrf.ts';

const VIEWS_DIR = fileURLToPath(new URL('../../views', import.meta.url));

export interface Views {
  render(ctx: Context, view: string, data: Record<string, unknown>): string;
}

/** One Nunjucks environment for the app's life: templates compile once and are cached. */
export function createViews(options: { watch: boolean; assets: Assets }): Views {
  const env = new nunjucks.Environment(new nunjucks.FileSystemLoader(VIEWS_DIR, { noCache: options.watch }), {
    autoescape: true,
    throwOnUndefined: false,
    trimBlocks: true,
    lstripBlocks: true,
  });
  // Templates name public/ files only through asset(): the content-hashed URL.
  env.addGlobal('asset', options.assets.url);
  env.addGlobal('inlineCss', options.assets.inlineCss);
  return {
    render(ctx, view, data) {
      const { lang, t, borrower, form } = ctx.state;
      // One leading slash only: `//evil.example/x` (or `/\\evil.example`) would make the links leave the site.
      const switchHref = languageSwitch((ctx.method === 'GET' ? ctx.url : (form?.page ?? '/')).replace(/^[/\\]+/, '/'));
      const flash = ctx.session?.flash;
      const flashError = ctx.session?.flashError === true;
      if (flash && ctx.session) {
        ctx.session.flash = undefined;
        ctx.session.flashError = undefined;
      }
      return env.render(view, {
        ...data,
        t,
        lang,
        fmt: formatters(lang, ctx.deps.config),
        me: borrower ? presentIdentity(borrower) : null,
        csrfToken: csrfToken(ctx),
        requestId: ctx.state.requestId,
        flash,
        flashError,
        configured: ctx.deps.config.texts[lang as Language],
        features: { contacts: ctx.deps.config.contacts.enabled },
        languages: ctx.deps.config.languages.map((code: Language) => ({
          code,
          name: LANGUAGE_NAMES[code],
          href: switchHref(code),
        })),
      });
    },
  };
}

/** The same page in another language: its path and query (the order number, the receipt id) with `lang` set. */
function languageSwitch(url: string): (code: Language) => string {
  const parsed = new URL(url, 'http://x');
  parsed.searchParams.delete('lang');
  return (code) => {
    const params = new URLSearchParams(parsed.searchParams);
    params.set('lang', code);
    return `${parsed.pathname}?${params}`;
  };
}
