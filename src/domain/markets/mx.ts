import { clabeBankCode, isValidClabe, normalizeClabe } from '../validators/clabe.ts';
import { curpBirthDate, isValidCurp, normalizeCurp } from '../validators/curp.ts';
import { isValidRfc, normalizeRfc } from '../validators/rfc.ts';
import type { MarketProfile } from './profile.ts';

/** Mexico: CURP (RFC optional), CLABE accounts, pesos, Spanish first. */
export const mx: MarketProfile = Object.freeze({
  code: 'mx',
  currency: 'MXN',
  minorUnit: 2,
  languages: Object.freeze(['es', 'en']),
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
  }),
  steps: Object.freeze(['personal', 'address', 'work', 'documents', 'bank'] as const),
  dictionaryVersion: '2026-11',
});
