// Mexico's RFC (Registro Federal de Contribuyentes) of a person: 4 letters, birth date, 3-character homoclave.

const RFC_ALPHABET = '0123456789ABCDEFGHIJKLMN&OPQRSTUVWXYZ Ñ';
const SHAPE = /^[A-ZÑ&]{4}(\d{2})(\d{2})(\d{2})[A-Z0-9]{2}[0-9A]$/;

/** Upper-cased, spaces and dashes removed. */
export function normalizeRfc(text: string): string {
  return text.normalize('NFC').toUpperCase().replace(/[\s-]+/g, '');
}

/** The check character of the first 12 characters of a person's RFC (SAT's modulo 11). */
export function rfcCheckCharacter(first12: string): string {
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += RFC_ALPHABET.indexOf(first12[i]!) * (13 - i);
  const rest = sum % 11;
  if (rest === 0) return '0';
  return 11 - rest === 10 ? 'A' : String(11 - rest);
}

/** True for a person's RFC with a real date and the right check character. */
export function isValidRfc(text: string): boolean {
  const rfc = normalizeRfc(text);
  const m = SHAPE.exec(rfc);
  if (!m) return false;
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return false;
  return rfcCheckCharacter(rfc.slice(0, 12)) === rfc[12];
}
