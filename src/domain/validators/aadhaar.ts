// India's Aadhaar number: 12 digits, not starting with 0 or 1, the last a Verhoeff check digit.
import { verhoeffValid } from './verhoeff.ts';

/** Digits only (people type it in groups of four). */
export function normalizeAadhaar(text: string): string {
  return text.replace(/[\s-]+/g, '');
}

export function isValidAadhaar(text: string): boolean {
  const n = normalizeAadhaar(text);
  return /^[2-9]\d{11}$/.test(n) && verhoeffValid(n);
}
