import { isValidAadhaar, normalizeAadhaar } from '../validators/aadhaar.ts';
import { composeIndianAccount, ifscBankCode, isValidIndianAccount, normalizeIfsc } from '../validators/ifsc.ts';
import { isPersonalPan, normalizePan } from '../validators/pan.ts';
import { normalizeIndianPhone } from '../phone.ts';
import type { MarketProfile } from './profile.ts';

/** India: PAN (Aadhaar optional), IFSC and account number, rupees, Hindi first. */
export const india: MarketProfile = Object.freeze({
  code: 'in',
  currency: 'INR',
  minorUnit: 2,
  languages: Object.freeze(['hi', 'en']),
  defaultLanguage: 'hi',
  minAge: 18,
  nationalId: Object.freeze({ kind: 'pan', maxLength: 10, normalize: normalizePan, isValid: isPersonalPan }),
  taxId: Object.freeze({ kind: 'aadhaar', maxLength: 14, normalize: normalizeAadhaar, isValid: isValidAadhaar }),
  account: Object.freeze({
    kind: 'ifsc_account',
    maxLength: 18,
    inputMode: 'numeric' as const,
    normalize: (text: string) => normalizeIfsc(text).replace(/-/g, ''),
    isValid: isValidIndianAccount,
    bankCode: (account: string) => ifscBankCode(account),
    part: Object.freeze({ kind: 'ifsc' as const, maxLength: 11 }),
    compose: composeIndianAccount,
  }),
  steps: Object.freeze(['personal', 'address', 'work', 'documents', 'bank'] as const),
  phone: Object.freeze({ normalize: normalizeIndianPhone, example: '9876543210' }),
  localeTags: Object.freeze({ hi: 'hi-IN', en: 'en-IN' }),
  timeZone: 'Asia/Kolkata',
  payTypes: Object.freeze([1] as const),
  // A Razorpay-style virtual account (smart collect) at ICICI, payable by NEFT/IMPS/RTGS or UPI.
  collection: Object.freeze({
    methodName: 'upi',
    bankCode: 'ICIC',
    ifsc: 'ICIC0000104',
    serialDigits: 9,
    reference: (serial: string) => `2223330${serial}`,
    upiId: (reference: string) => `cuota.${reference}@icici`,
  }),
  gatewayOrder: 'razorpay' as const,
  regulator: Object.freeze({ authority: 'RBI Integrated Ombudsman (CMS) / Sachet', url: 'https://cms.rbi.org.in' }),
  dictionaryVersion: '2026-11',
});
