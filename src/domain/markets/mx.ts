import { clabeBankCode, isValidClabe, normalizeClabe } from '../validators/clabe.ts';
import { curpBirthDate, isValidCurp, normalizeCurp } from '../validators/curp.ts';
import { isValidRfc, normalizeRfc } from '../validators/rfc.ts';
import { normalizePhone } from '../phone.ts';
import { makeClabe } from '../references.ts';
import type { MarketProfile } from './profile.ts';

/** Mexico: CURP (RFC optional), CLABE accounts, pesos, Spanish first. */
export const mx: MarketProfile = Object.freeze({
  code: 'mx',
  currency: 'MXN',
  minorUnit: 2,
  languages: Object.freeze(['es', 'en']),
  defaultLanguage: 'en',
  minAge: 18,
  nationalId: Object.freeze({ kind: 'curp', maxLength: 18, normalize: normalizeCurp, isValid: isValidCurp, birthDate: curpBirthDate }),
  taxId: Object.freeze({ kind: 'rfc', maxLength: 13, normalize: normalizeRfc, isValid: isValidRfc }),
  account: Object.freeze({
    kind: 'clabe',
    maxLength: 18,
    inputMode: 'numeric' as const,
    normalize: normalizeClabe,
    isValid: isValidClabe,
    bankCode: clabeBankCode,
    compose: (_part: string, number: string) => number,
  }),
  steps: Object.freeze(['personal', 'address', 'work', 'documents', 'bank'] as const),
  // Today's rule, kept: 6 to 15 digits with an optional "+" (accounts exist in both the 10-digit and the +52 form).
  phone: Object.freeze({ normalize: normalizePhone, example: '5512345678' }),
  localeTags: Object.freeze({ es: 'es-MX', en: 'en-US' }),
  timeZone: 'America/Mexico_City',
  payTypes: Object.freeze([1, 2] as const),
  collection: Object.freeze({ methodName: 'stp', bankCode: '646', serialDigits: 11, reference: (serial: string) => makeClabe('646', '180', serial) }),
  regulator: Object.freeze({ authority: 'CONDUSEF', url: 'https://www.condusef.gob.mx' }),
  dictionaryVersion: '2026-11',
});
