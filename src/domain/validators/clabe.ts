// Mexico's CLABE (Clave Bancaria Estandarizada): 3-digit bank, 3-digit place, 11-digit account, 1 check digit.

const WEIGHTS = [3, 7, 1];

/** Digits only (spaces and dashes people type are dropped). */
export function normalizeClabe(text: string): string {
  return text.replace(/[\s-]+/g, '');
}

/** The check digit of the first 17 digits of a CLABE. */
export function clabeCheckDigit(first17: string): number {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (Number(first17[i]) * WEIGHTS[i % 3]!) % 10;
  return (10 - (sum % 10)) % 10;
}

/** True for 18 digits whose last is the check digit of the others. */
export function isValidClabe(text: string): boolean {
  const clabe = normalizeClabe(text);
  return /^\d{18}$/.test(clabe) && clabeCheckDigit(clabe.slice(0, 17)) === Number(clabe[17]);
}

/** The bank code a CLABE starts with (ABM's three digits). */
export function clabeBankCode(clabe: string): string {
  return normalizeClabe(clabe).slice(0, 3);
}
