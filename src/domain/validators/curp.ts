// Mexico's CURP (Clave Única de Registro de Población), as RENAPO issues it.

// Letters and digits in the order RENAPO values them for the check digit (Ñ after N).
const CURP_ALPHABET = '0123456789ABCDEFGHIJKLMNÑOPQRSTUVWXYZ';
// The 32 states, NE (born abroad).
const STATES = new Set('AS BC BS CC CL CM CS CH DF DG GT GR HG JC MC MN MS NT NL OC PL QT QR SP SL SR TC TS TL VZ YN ZS NE'.split(' '));
const SHAPE = /^([A-Z][AEIOUX][A-Z]{2})(\d{2})(\d{2})(\d{2})([HMX])([A-Z]{2})([B-DF-HJ-NP-TV-Z]{3})([A-Z0-9])(\d)$/;

/** Upper-cased, spaces removed: how a CURP is compared and stored. */
export function normalizeCurp(text: string): string {
  return text.normalize('NFC').toUpperCase().replace(/\s+/g, '');
}

/** The check digit of the first 17 characters of a CURP. */
export function curpCheckDigit(first17: string): number {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += CURP_ALPHABET.indexOf(first17[i]!) * (18 - i);
  return (10 - (sum % 10)) % 10;
}

/** The birth date a CURP encodes (YYYY-MM-DD), or null: the 17th character says the century (digit: 1900s, letter: 2000s). */
export function curpBirthDate(curp: string): string | null {
  const m = SHAPE.exec(curp);
  if (!m) return null;
  const century = /\d/.test(m[8]!) ? 1900 : 2000;
  const y = century + Number(m[2]);
  const mo = Number(m[3]);
  const d = Number(m[4]);
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
  return `${y}-${m[3]}-${m[4]}`;
}

/** True for a CURP with the right structure (a real date, a known state) and check digit. */
export function isValidCurp(text: string): boolean {
  const curp = normalizeCurp(text);
  const m = SHAPE.exec(curp);
  if (!m || !STATES.has(m[6]!) || !curpBirthDate(curp)) return false;
  return curpCheckDigit(curp.slice(0, 17)) === Number(m[9]);
}
