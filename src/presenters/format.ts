import type { Config } from '../config.ts';
import { parseMoney, type Minor } from '../domain/money.ts';
import { parseRatePpm } from '../domain/rates.ts';
import type { Language } from '../i18n.ts';

import { marketProfile } from '../domain/markets/index.ts';

// Without a market (tools, tests of the formatter): Mexico's tags, as before markets.
const LOCALE_TAGS: Record<Language, string> = { en: 'en-US', es: 'es-MX', hi: 'hi-IN' };

/** The BCP 47 tag for numbers and dates: the market's own for the language (en-IN, hi-IN, en-NG), else the default. */
export function localeTag(lang: Language, market?: string): string {
  return (market && marketProfile(market).localeTags[lang]) || LOCALE_TAGS[lang];
}

export interface Formatters {
  /** The language these formatters write in (picks configured names too). */
  lang: Language;
  /** An amount in minor units, or the spec's decimal string, for people: "$5,000.00". */
  money(value: Minor | string): string;
  /** A rate (the spec's decimal string) as a percentage: "4.3 %". */
  percent(value: string): string;
  /** A fraction as a percentage to 0.1 %: 32.146 → "3,214.6 %". */
  share(fraction: number): string;
  /**
   * A yearly rate (a fraction) a borrower can read: one decimal below 1,000 %,
   * whole percents above, and past RATE_SHOWN_MAX only that bound with `over`
   * set (the page then says "more than 1,000,000 %"): a 13-digit percentage
   * tells nobody anything more.
   */
  rate(fraction: number): { over: boolean; text: string };
  /** A calendar day ("YYYY-MM-DD") for people: "12 Mar 2026". */
  day(iso: string): string;
  /** An instant (unix ms) in the business time zone: "12 Mar 2026, 14:05". */
  dateTime(ms: number): string;
}

/** The largest yearly rate shown as a number: 1,000,000 % (10,000 times the amount). */
export const RATE_SHOWN_MAX = 10_000;

const cache = new Map<string, Formatters>();

/** Distinct values a formatter remembers before it starts again: a page formats the same few amounts and days many times. */
const REMEMBERED = 4_096;

/**
 * `format` remembering its answers (Intl's format is a few microseconds; a page calls it dozens
 * of times). Only numbers and strings are remembered, and not -0, which a Map takes for 0 but
 * Intl prints with a sign; anything else (undefined, which Intl reads as "now") goes straight through.
 */
function remembered<K, V>(format: (value: K) => V): (value: K) => V {
  const seen = new Map<K, V>();
  return (value) => {
    if ((typeof value !== 'number' && typeof value !== 'string') || Object.is(value, -0)) return format(value);
    let text = seen.get(value);
    if (text === undefined) {
      if (seen.size >= REMEMBERED) seen.clear();
      text = format(value);
      seen.set(value, text);
    }
    return text;
  };
}

/** Formatting for people in one language; built once per language and currency. */
export function formatters(lang: Language, config: Pick<Config, 'currency' | 'timeZone'> & { market?: string }): Formatters {
  const key = `${lang}/${config.market ?? ''}/${config.currency}/${config.timeZone}`;
  let f = cache.get(key);
  if (!f) {
    const tag = localeTag(lang, config.market);
    const moneyFormat = new Intl.NumberFormat(tag, { style: 'currency', currency: config.currency });
    const percentFormat = new Intl.NumberFormat(tag, { style: 'percent', maximumFractionDigits: 4 });
    const shareFormat = new Intl.NumberFormat(tag, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });
    const wholeShareFormat = new Intl.NumberFormat(tag, { style: 'percent', maximumFractionDigits: 0 });
    const dayFormat = new Intl.DateTimeFormat(tag, { dateStyle: 'medium', timeZone: 'UTC' });
    const dateTimeFormat = new Intl.DateTimeFormat(tag, {
      dateStyle: 'medium',
      timeStyle: 'short',
      timeZone: config.timeZone,
    });
    f = {
      lang,
      money: remembered((value: Minor | string) => {
        const minor = typeof value === 'number' ? value : parseMoney(value);
        return minor === null ? String(value) : moneyFormat.format(minor / 100);
      }),
      percent(value) {
        const ppm = parseRatePpm(value);
        return ppm === null ? value : percentFormat.format(ppm / 1_000_000);
      },
      share: (fraction) => shareFormat.format(fraction),
      rate(fraction) {
        if (fraction >= RATE_SHOWN_MAX) return { over: true, text: wholeShareFormat.format(RATE_SHOWN_MAX) };
        return { over: false, text: (fraction >= 10 ? wholeShareFormat : shareFormat).format(fraction) };
      },
      day: remembered((iso: string) => dayFormat.format(new Date(`${iso}T00:00:00Z`))),
      dateTime: remembered((ms: number) => dateTimeFormat.format(ms)),
    };
    cache.set(key, f);
  }
  return f;
}
