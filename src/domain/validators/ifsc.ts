// India's IFSC (Indian Financial System Code): 4 letters of the bank, a 0, 6 letters or digits of the branch.

export function normalizeIfsc(text: string): string {
  return text.replace(/\s+/g, '').toUpperCase();
}

export function isValidIfsc(text: string): boolean {
  return /^[A-Z]{4}0[A-Z0-9]{6}$/.test(normalizeIfsc(text));
}

/** The bank an IFSC names (its first four letters). */
export function ifscBankCode(ifsc: string): string {
  return normalizeIfsc(ifsc).slice(0, 4);
}

/** An Indian bank account number: 9 to 18 digits (banks differ; the IFSC says which bank). */
export function isValidIndianAccountNumber(text: string): boolean {
  return /^\d{9,18}$/.test(text);
}

/**
 * What Cuota stores for an Indian account: the IFSC followed by the account
 * number ("HDFC000012350100012345678"), so one string names both.
 */
export function composeIndianAccount(ifsc: string, number: string): string {
  return `${normalizeIfsc(ifsc)}${number.replace(/[\s-]+/g, '')}`;
}

export function isValidIndianAccount(text: string): boolean {
  const t = normalizeIfsc(text);
  return isValidIfsc(t.slice(0, 11)) && isValidIndianAccountNumber(t.slice(11));
}
