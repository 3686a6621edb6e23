/**
 * Calendar days in the business time zone. A day is an integer: days since
 * 1970-01-01 of the local calendar date, so "due in 7 days" is plain addition
 * and a bill is due until the end of its local due day.
 */
export type Day = number;

const DAY_MS = 86_400_000;
const partsFormats = new Map<string, Intl.DateTimeFormat>();

/** The zone's wall-clock date and time at an instant, as numbers. */
export function localParts(ms: number, timeZone: string) {
  let f = partsFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    partsFormats.set(timeZone, f);
  }
  const p = Object.fromEntries(f.formatToParts(ms).map((x) => [x.type, x.value]));
  return { y: +p.year!, m: +p.month!, d: +p.day!, h: +p.hour!, min: +p.minute!, s: +p.second! };
}

// Zone offsets only change on quarter hours, so one lookup serves a quarter of an hour.
const QUARTER_MS = 15 * 60_000;
const offsets = new Map<string, number>();

function cachedOffset(ms: number, timeZone: string): number {
  const key = `${timeZone}|${Math.floor(ms / QUARTER_MS)}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    if (offsets.size > 10_000) offsets.clear();
    offset = offsetAt(Math.floor(ms / QUARTER_MS) * QUARTER_MS, timeZone);
    offsets.set(key, offset);
  }
  return offset;
}

/** The local calendar day of an instant. */
export function dayOf(ms: number, timeZone: string): Day {
  return Math.floor((ms + cachedOffset(ms, timeZone)) / DAY_MS);
}

/** How far the zone's wall clock is ahead of UTC at an instant, in ms. */
function offsetAt(ms: number, timeZone: string): number {
  const { y, m, d, h, min, s } = localParts(ms, timeZone);
  return Date.UTC(y, m - 1, d, h, min, s) - Math.floor(ms / 1000) * 1000;
}

const starts = new Map<string, number>();

/** The instant a local day begins (00:00 local time), in ms. */
export function startOfDay(day: Day, timeZone: string): number {
  const key = `${timeZone}|${day}`;
  let start = starts.get(key);
  if (start === undefined) {
    if (starts.size > 10_000) starts.clear();
    start = computeStartOfDay(day, timeZone);
    starts.set(key, start);
  }
  return start;
}

function computeStartOfDay(day: Day, timeZone: string): number {
  const utcMidnight = day * DAY_MS;
  let guess = utcMidnight - offsetAt(utcMidnight, timeZone);
  // A second pass settles days whose offset differs from the first guess (DST changes).
  guess = utcMidnight - offsetAt(guess, timeZone);
  return guess;
}

/** "DD-MM-YYYY", the spec's day format. */
export function formatDay(day: Day): string {
  const date = new Date(day * DAY_MS);
  const dd = String(date.getUTCDate()).padStart(2, '0');
  const mm = String(date.getUTCMonth() + 1).padStart(2, '0');
  return `${dd}-${mm}-${date.getUTCFullYear()}`;
}

/** "YYYY-MM-DD", for storage and <time datetime>. */
export function isoDay(day: Day): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** A local day from "YYYY-MM-DD". */
export function parseIsoDay(text: string): Day {
  return Date.parse(`${text}T00:00:00Z`) / DAY_MS;
}
