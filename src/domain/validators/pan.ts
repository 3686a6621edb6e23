// India's PAN (Permanent Account Number): 5 letters, 4 digits, 1 letter; the 4th letter is the holder's kind.

// P person, C company, H Hindu undivided family, A association, B body of individuals, G government,
// J artificial juridical person, L local authority, F firm, T trust.
const HOLDER_KINDS = 'PCHABGJLFT';

/** Upper case, spaces dropped. */
export function normalizePan(text: string): string {
  return text.replace(/\s+/g, '').toUpperCase();
}

export function isValidPan(text: string): boolean {
  const pan = normalizePan(text);
  return /^[A-Z]{3}[A-Z][A-Z]\d{4}[A-Z]$/.test(pan) && HOLDER_KINDS.includes(pan[3]!);
}

/** A borrower's PAN is a person's: the 4th letter is P. */
export function isPersonalPan(text: string): boolean {
  return isValidPan(text) && normalizePan(text)[3] === 'P';
}
