/**
 * Money is an integer number of minor units (centavos, paise) everywhere in
 * the database and in domain code. Only presenters turn it into text.
 */
export type Minor = number;

const AMOUNT = /^(0|[1-9]\d{0,12})(?:\.(\d{1,2}))?$/;

/**
 * Parses a plain decimal amount ("5000", "5000.5", "5000.50") into minor units.
 * Anything else (signs, exponents, more than two decimals, over 13 digits) is null,
 * so a typo can never become a different amount.
 */
export function parseMoney(text: string): Minor | null {
  const m = AMOUNT.exec(text.trim());
  if (!m) return null;
  const whole = Number(m[1]);
  const cents = Number((m[2] ?? '').padEnd(2, '0'));
  return whole * 100 + cents;
}

/** "5000.00": the spec's string form of an amount. */
export function formatPlain(minor: Minor): string {
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** "5000" when there are no cents, else "5000.50": the spec's visitor quota form. */
export function formatShort(minor: Minor): string {
  return minor % 100 === 0 ? String(minor / 100) : formatPlain(minor);
}
