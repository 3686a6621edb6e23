/**
 * Rates are integers in parts per million: 0.0072 a day is 7200 ppm. Keeping
 * them integral keeps every fee formula exact until its single final rounding.
 */
export type Ppm = number;

const RATE = /^(0|[1-9]\d{0,5})(?:\.(\d{1,6}))?$/;

/** Parses "0.043" into 43000 ppm; more than six decimals or any other form is null. */
export function parseRatePpm(text: string): Ppm | null {
  const m = RATE.exec(text.trim());
  if (!m) return null;
  return Number(m[1]) * 1_000_000 + Number((m[2] ?? '').padEnd(6, '0'));
}

/** 43000 ppm as "0.043": the shortest decimal, as the spec shows rates. */
export function formatRate(ppm: Ppm): string {
  const whole = Math.trunc(ppm / 1_000_000);
  const frac = String(ppm % 1_000_000).padStart(6, '0').replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : String(whole);
}
