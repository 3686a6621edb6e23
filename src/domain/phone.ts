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

/** India: a 10-digit mobile number starting 6 to 9; "+91", "91" or "0" before it is dropped. */
export function normalizeIndianPhone(text: string): string | null {
  const phone = normalizePhone(text);
  if (!phone) return null;
  const national = phone.replace(/^\+?91(?=\d{10}$)/, '').replace(/^0(?=\d{10}$)/, '');
  return /^[6-9]\d{9}$/.test(national) ? national : null;
}

/**
 * Nigeria: 11 digits with the leading 0 ("08031234567"), 10 without it, or
 * "+234"/"234" and 10 digits; stored as the 11-digit national form.
 */
export function normalizeNigerianPhone(text: string): string | null {
  const phone = normalizePhone(text);
  if (!phone) return null;
  const digits = phone.replace(/^\+/, '');
  const national = /^234\d{10}$/.test(digits) ? digits.slice(3) : /^0\d{10}$/.test(digits) ? digits.slice(1) : /^\d{10}$/.test(digits) && !phone.startsWith('+') ? digits : null;
  return national && /^[789]\d{9}$/.test(national) ? `0${national}` : null;
}
