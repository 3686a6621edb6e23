// Nigeria's NUBAN (CBN's Nigeria Uniform Bank Account Number): 9 serial digits and a check digit
// computed over the 3-digit bank code and the serial with weights 3,7,3 repeated.

const WEIGHTS = [3, 7, 3, 3, 7, 3, 3, 7, 3, 3, 7, 3];

/** Digits only. */
export function normalizeNuban(text: string): string {
  return text.replace(/[\s-]+/g, '');
}

/** The check digit of a 9-digit serial at a 3-digit bank. */
export function nubanCheckDigit(bankCode: string, serial: string): number {
  const digits = `${bankCode}${serial}`;
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(digits[i]) * WEIGHTS[i]!;
  return (10 - (sum % 10)) % 10;
}

/** True for a 10-digit NUBAN whose last digit checks against the bank's 3-digit code. */
export function isValidNuban(bankCode: string, account: string): boolean {
  const n = normalizeNuban(account);
  return /^\d{3}$/.test(bankCode) && /^\d{10}$/.test(n) && nubanCheckDigit(bankCode, n.slice(0, 9)) === Number(n[9]);
}

/** What Cuota stores for a Nigerian account: the bank code then the NUBAN ("0580163505447"). */
export function composeNigerianAccount(bankCode: string, account: string): string {
  return `${bankCode.trim()}${normalizeNuban(account)}`;
}

export function isValidNigerianAccount(text: string): boolean {
  const t = normalizeNuban(text);
  return /^\d{13}$/.test(t) && isValidNuban(t.slice(0, 3), t.slice(3));
}
