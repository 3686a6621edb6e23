import { isValidBvn, normalizeBvn } from '../validators/bvn.ts';
import { composeNigerianAccount, isValidNigerianAccount, normalizeNuban, nubanCheckDigit } from '../validators/nuban.ts';
import { normalizeNigerianPhone } from '../phone.ts';
import type { MarketProfile } from './profile.ts';

/** Nigeria: BVN, NUBAN accounts at a 3-digit bank code, naira (in kobo), English. */
export const nigeria: MarketProfile = Object.freeze({
  code: 'ng',
  currency: 'NGN',
  minorUnit: 2,
  languages: Object.freeze(['en']),
  defaultLanguage: 'en',
  minAge: 18,
  nationalId: Object.freeze({ kind: 'bvn', maxLength: 11, normalize: normalizeBvn, isValid: isValidBvn }),
  account: Object.freeze({
    kind: 'nuban',
    maxLength: 10,
    inputMode: 'numeric' as const,
    normalize: normalizeNuban,
    isValid: isValidNigerianAccount,
    bankCode: (account: string) => normalizeNuban(account).slice(0, 3),
    part: Object.freeze({ kind: 'bank' as const, maxLength: 3 }),
    compose: composeNigerianAccount,
  }),
  steps: Object.freeze(['personal', 'address', 'work', 'documents', 'bank'] as const),
  phone: Object.freeze({ normalize: normalizeNigerianPhone, example: '08031234567' }),
  localeTags: Object.freeze({ en: 'en-NG' }),
  timeZone: 'Africa/Lagos',
  payTypes: Object.freeze([1] as const),
  // A dedicated reference account (NUBAN) at Wema Bank, the way Nigerian collection providers issue them.
  collection: Object.freeze({ methodName: 'bank_transfer', bankCode: '035', serialDigits: 9, reference: (serial: string) => `${serial}${nubanCheckDigit('035', serial)}` }),
  regulator: Object.freeze({ authority: 'FCCPC', url: 'https://fccpc.gov.ng' }),
  dictionaryVersion: '2026-11',
});
