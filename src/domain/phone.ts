/**
 * A phone number as Cuota stores it: digits only, with a leading "+" kept when
 * the borrower typed one. Spaces, dots, dashes and brackets are dropped.
 */
export function normalizePhone(text: string): string | null {
  const trimmed = text.trim();
  const plus = trimmed.startsWith('+') ? '+' : '';
  const rest = plus ? trimmed.slice(1) : trimmed;
  if (!/^[\d\s().-]+$/.test(rest)) return null;
  const digits = rest.replace(/\D/g, '');
  if (digits.length < 6 || digits.length > 15) return null;
  return plus + digits;
}

/** A phone for documents others may see: the first two and last two digits, "96******07". */
export function maskPhone(phone: string): string {
  const plus = phone.startsWith('+') ? '+' : '';
  const digits = phone.slice(plus.length);
  if (digits.length <= 4) return plus + '*'.repeat(digits.length);
  return `${plus}${digits.slice(0, 2)}${'*'.repeat(digits.length - 4)}${digits.slice(-2)}`;
}
