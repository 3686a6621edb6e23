/**
 * Payment reference formats. A CLABE is Mexico's 18-digit account number:
 * 3 digits of bank, 3 of plaza, 11 of account and a check digit.
 */
const CLABE_WEIGHTS = [3, 7, 1];

/** The check digit of the first 17 digits of a CLABE (weights 3, 7, 1; modulo 10). */
export function clabeCheckDigit(first17: string): number {
  if (!/^\d{17}$/.test(first17)) throw new Error('a CLABE check digit needs 17 digits');
  const sum = [...first17].reduce((acc, d, i) => acc + ((Number(d) * CLABE_WEIGHTS[i % 3]!) % 10), 0);
  return (10 - (sum % 10)) % 10;
}

/** True for 18 digits whose last one is the right check digit. */
export function isValidClabe(clabe: string): boolean {
  return /^\d{18}$/.test(clabe) && clabeCheckDigit(clabe.slice(0, 17)) === Number(clabe[17]);
}

/** A CLABE for bank + plaza + an 11-digit account number. */
export function makeClabe(bank: string, plaza: string, account: string): string {
  const first17 = `${bank}${plaza}${account.padStart(11, '0')}`;
  return `${first17}${clabeCheckDigit(first17)}`;
}

const MINUTE = 60_000;

/**
 * When a reference issued at `now` stops being payable: `referenceMs` later,
 * never past its payment link, and cut to the whole minute. Pages show
 * minutes, so the method chooser (which shows this before the reference
 * exists) and the reference page show the same deadline when chosen within
 * the minute.
 */
export function referenceExpiry(now: number, referenceMs: number, linkEnds: number): number {
  return Math.min(Math.floor((now + referenceMs) / MINUTE) * MINUTE, linkEnds);
}
