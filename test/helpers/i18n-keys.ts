import fs from 'node:fs';
import path from 'node:path';

/** Every leaf key of a resource tree, dotted: { a: { b: "x" } } -> ["a.b"]. */
export function flattenKeys(tree: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([k, v]) =>
    v && typeof v === 'object' ? flattenKeys(v as Record<string, unknown>, `${prefix}${k}.`) : [`${prefix}${k}`],
  );
}

/** The market a key's wording belongs to: "pay.method_1@in" -> "in" (i18next context after "@"), else null. */
export function keyMarket(key: string): string | null {
  const m = /@([a-z]+)(?:_(?:zero|one|two|few|many|other))?$/.exec(key);
  return m ? m[1]! : null;
}

/**
 * Keys present in one language and missing in another, as "lang: key" lines.
 * A market's own wording (`key@in`) must exist in exactly the languages that
 * market offers (`marketLanguages`), and nowhere else; every other key in every language.
 */
export function parityProblems(resources: Record<string, Record<string, unknown>>, marketLanguages: Record<string, readonly string[]> = {}): string[] {
  const sets = Object.fromEntries(Object.entries(resources).map(([l, tree]) => [l, new Set(flattenKeys(tree))]));
  const all = new Set(Object.values(sets).flatMap((s) => [...s]));
  const wanted = (lang: string, key: string) => {
    const market = keyMarket(key);
    return market === null || (marketLanguages[market] ?? []).includes(lang);
  };
  return Object.entries(sets).flatMap(([lang, keys]) => [
    ...[...all].filter((k) => wanted(lang, k) && !keys.has(k)).map((k) => `${lang}: ${k}`),
    ...[...keys].filter((k) => !wanted(lang, k)).map((k) => `${lang}: ${k} (not a language of that market)`),
  ]);
}

const PLURAL_SUFFIXES = ['_zero', '_one', '_two', '_few', '_many', '_other'];

/** True when `key` resolves in `keys`, directly or through i18next's plural forms. */
export function resolves(key: string, keys: Set<string>): boolean {
  return keys.has(key) || PLURAL_SUFFIXES.some((s) => keys.has(key + s));
}

/**
 * The translation keys a source text uses: t('a.b') calls (a literal followed
 * by `+` is a prefix, reported with a trailing "*"), and in TypeScript any
 * string literal that starts with one of the namespaces.
 */
export function usedKeys(text: string, namespaces: string[]): string[] {
  const found = new Set<string>();
  for (const m of text.matchAll(/\bt\(\s*(['"])([^'"]+)\1\s*(\+)?/g)) found.add(m[3] ? `${m[2]}*` : m[2]!);
  const ns = namespaces.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
  for (const m of text.matchAll(new RegExp(`['"]((?:${ns})\\.[a-z0-9_.]+)['"](?!\\s*\\+)`, 'g'))) found.add(m[1]!);
  return [...found];
}

/** Keys used in the files under `dirs` (with the given extensions) that the key set lacks. */
export function missingKeys(dirs: string[], extensions: string[], keys: Set<string>, namespaces: string[]): string[] {
  const problems: string[] = [];
  const walk = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
      const full = path.join(dir, e.name);
      return e.isDirectory() ? walk(full) : extensions.some((x) => e.name.endsWith(x)) ? [full] : [];
    });
  for (const file of dirs.flatMap(walk)) {
    for (const key of usedKeys(fs.readFileSync(file, 'utf8'), namespaces)) {
      const ok = key.endsWith('*') ? [...keys].some((k) => k.startsWith(key.slice(0, -1))) : resolves(key, keys);
      if (!ok) problems.push(`${path.relative(process.cwd(), file)}: ${key}`);
    }
  }
  return problems;
}
