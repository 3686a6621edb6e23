// The market's dictionaries (states, cities, work, income, relations, banks), versioned data files per language.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Language } from '../i18n.ts';

export interface DictEntry {
  code: string;
  value: string;
  /** For entries that belong to another (a city's state). */
  parent?: string;
}

export interface Dictionary {
  market: string;
  lang: string;
  version: string;
  types: Record<string, DictEntry[]>;
}

const DIR = fileURLToPath(new URL('../domain/markets/dictionaries', import.meta.url));
const loaded = new Map<string, Dictionary>();

/** The dictionary of a market in a language (read once, then kept); English when the market has none in that language. */
export function dictionary(market: string, lang: Language): Dictionary {
  const key = `${market}/${lang}`;
  let dict = loaded.get(key);
  if (!dict) {
    const file = fs.existsSync(`${DIR}/${market}/${lang}.json`) ? `${DIR}/${market}/${lang}.json` : `${DIR}/${market}/en.json`;
    dict = JSON.parse(fs.readFileSync(file, 'utf8')) as Dictionary;
    loaded.set(key, dict);
  }
  return dict;
}

/** The entries of one type, optionally only those under a parent (a state's cities). */
export function entries(market: string, lang: Language, type: string, parent?: string): DictEntry[] {
  const all = dictionary(market, lang).types[type] ?? [];
  return parent === undefined ? all : all.filter((e) => e.parent === parent);
}

/** The entry with this code, if the dictionary has it (and it sits under `parent` when one is given). */
export function findEntry(market: string, lang: Language, type: string, code: string, parent?: string): DictEntry | undefined {
  return entries(market, lang, type).find((e) => e.code === code && (parent === undefined || e.parent === parent));
}

/** `SALARY_RANGE` -> `salaryRangeList`: the key seed 000's dict/list answers each type under. */
export function listKey(type: string): string {
  return `${type.toLowerCase().replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())}List`;
}

/** The known types of a market's dictionary. */
export function dictionaryTypes(market: string): string[] {
  return Object.keys(dictionary(market, 'en').types);
}
