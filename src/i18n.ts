import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import i18next, { type TFunction } from 'i18next';

// In the order the spec's Index/languages answers them.
export const LANGUAGES = ['es', 'en', 'hi'] as const;
export type Language = (typeof LANGUAGES)[number];
/** The names the spec's Index/languages action answers, by code. */
export const LANGUAGE_NAMES: Record<Language, string> = { en: 'English', es: 'Spanish', hi: 'Hindi' };

const LOCALES_DIR = fileURLToPath(new URL('../locales', import.meta.url));

/**
 * Reads locales/<lang>/<file>.json into one resource tree per language, each
 * file under its own name: locales/en/errors.json holds the keys `errors.*`.
 */
export function loadResources(dir = LOCALES_DIR): Record<string, Record<string, unknown>> {
  const resources: Record<string, Record<string, unknown>> = {};
  for (const lang of LANGUAGES) {
    const tree: Record<string, unknown> = {};
    for (const file of fs.readdirSync(path.join(dir, lang)).filter((f) => f.endsWith('.json')).sort()) {
      tree[path.basename(file, '.json')] = JSON.parse(fs.readFileSync(path.join(dir, lang, file), 'utf8'));
    }
    resources[lang] = tree;
  }
  return resources;
}

export interface I18n {
  t(lang: Language): TFunction;
}

/**
 * Creates the i18next instance once at boot; `t(lang)` is cheap per request.
 * With a market, every key first looks for the market's own wording,
 * `key@<market>` (an i18next context with "@" as its separator), and falls
 * back to the key: `pay.method_1@in` says "UPI or bank transfer" where
 * `pay.method_1` says SPEI. Plurals work the same (`key@in_one`).
 */
export async function createI18n(defaultLanguage: Language, market?: string): Promise<I18n> {
  const instance = i18next.createInstance();
  const resources = loadResources();
  await instance.init({
    resources: Object.fromEntries(Object.entries(resources).map(([l, tree]) => [l, { translation: tree }])),
    lng: defaultLanguage,
    fallbackLng: defaultLanguage,
    supportedLngs: [...LANGUAGES],
    interpolation: { escapeValue: false }, // Nunjucks escapes on output
    returnNull: false,
    contextSeparator: '@',
  });
  const fixed = new Map(LANGUAGES.map((l) => [l, remembered(instance.getFixedT(l), market)]));
  return { t: (lang) => fixed.get(lang)! };
}

// Enough for every key the app has in one language.
const REMEMBERED_KEYS = 4000;
// Strings with values filled in (amounts, days, masked phones) vary; this many are kept before starting over.
const REMEMBERED_FILLED = 2000;

const isPlainOptions = (o: unknown): o is Record<string, string | number | boolean> =>
  typeof o === 'object' && o !== null && Object.values(o).every((v) => ['string', 'number', 'boolean'].includes(typeof v));

/**
 * A page asks for a hundred or so strings, and i18next resolves each
 * (namespaces, fallbacks, plurals, nesting, interpolation) every time. The
 * same key with the same values always gives the same string, so each is
 * resolved once: plain keys for good, filled-in ones in a bounded map that
 * starts over when full. Anything else goes straight through.
 */
function remembered(t: TFunction, context?: string): TFunction {
  const plainResolve = t as unknown as (...args: unknown[]) => string;
  const resolve = !context
    ? plainResolve
    : (key: unknown, options?: unknown, ...rest: unknown[]) =>
        options === undefined || (typeof options === 'object' && options !== null && !('context' in options))
          ? plainResolve(key, { ...(options as object | undefined), context }, ...rest)
          : plainResolve(key, options, ...rest);
  const plain = new Map<string, string>();
  let filled = new Map<string, string>();
  const lookup = (key: unknown, options?: unknown, ...rest: unknown[]): string => {
    if (typeof key !== 'string' || rest.length > 0) return resolve(key, options, ...rest);
    if (options === undefined) {
      let text = plain.get(key);
      if (text === undefined) {
        text = resolve(key);
        if (plain.size < REMEMBERED_KEYS) plain.set(key, text);
      }
      return text;
    }
    if (!isPlainOptions(options)) return resolve(key, options);
    const id = `${key}\u0000${JSON.stringify(options)}`;
    let text = filled.get(id);
    if (text === undefined) {
      text = resolve(key, options);
      if (filled.size >= REMEMBERED_FILLED) filled = new Map();
      filled.set(id, text);
    }
    return text;
  };
  return lookup as unknown as TFunction;
}

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/** The first supported language (of `offered`, by default all) in an Accept-Language header, by quality. */
export function fromAcceptLanguage(header: string | undefined, offered: readonly Language[] = LANGUAGES): Language | undefined {
  if (!header) return undefined;
  const ranked = header
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { base: tag.trim().toLowerCase().split('-')[0], q: q ? Number(q.slice(2)) : 1, index };
    })
    .filter((x) => x.q > 0 && !Number.isNaN(x.q))
    .sort((a, b) => b.q - a.q || a.index - b.index);
  return ranked.map((x) => x.base).find((l): l is Language => isLanguage(l) && offered.includes(l));
}
