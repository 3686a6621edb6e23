// Nigeria's BVN (Bank Verification Number): 11 digits. CBN publishes no check digit.

export function normalizeBvn(text: string): string {
  return text.replace(/[\s-]+/g, '');
}

export function isValidBvn(text: string): boolean {
  return /^\d{11}$/.test(normalizeBvn(text));
}
