// What a market is: data plus small pure validators. Code asks the profile, never which market it is.

/** A rule for an identity number: how to clean what people type, whether it is valid, what it says. */
export interface IdRule {
  /** Stable name (i18n labels: `identity.id_<kind>`). */
  kind: string;
  maxLength: number;
  normalize(text: string): string;
  isValid(text: string): boolean;
  /** The birth date the number encodes (YYYY-MM-DD), when it encodes one. */
  birthDate?(id: string): string | null;
}

/** A rule for a bank account number: validity and the bank it names. */
export interface AccountRule {
  kind: string;
  maxLength: number;
  /** How the account field should bring up the keyboard. */
  inputMode: 'numeric' | 'text';
  normalize(text: string): string;
  isValid(text: string): boolean;
  /** The bank code the number carries (looked up in the BANK dictionary), or null when it carries none. */
  bankCode(account: string): string | null;
  /**
   * A second part the account needs, asked apart from the number: India the
   * branch's IFSC (typed), Nigeria the bank's code (chosen from BANK). Absent
   * when the number says it all (Mexico's CLABE).
   */
  part?: { kind: 'ifsc' | 'bank'; maxLength: number };
  /** The account as stored, from the part and the number (the part first); without a part, the number. */
  compose(part: string, number: string): string;
}

/** A phone number rule: the stored form of what people type, or null when it is not a number of the market. */
export interface PhoneRule {
  normalize(text: string): string | null;
  /** A number in the form people type it, for placeholders and docs. */
  example: string;
}

/**
 * Where borrowers transfer repayments (payment type 1): the collecting bank and
 * how a reference account is made from random digits. Mexico: an STP CLABE;
 * India: a virtual account (with its UPI ID) at a collecting bank's IFSC;
 * Nigeria: a NUBAN reference account at a bank.
 */
export interface Collection {
  /** The method's name as references store it ("stp", "upi", "bank_transfer"). */
  methodName: string;
  /** The collecting bank's code (in the BANK dictionary). */
  bankCode: string;
  /** India: the collecting branch's IFSC. */
  ifsc?: string;
  /** How many random digits `reference` takes. */
  serialDigits: number;
  reference(serial: string): string;
  /** India: the UPI ID that pays into the reference account. */
  upiId?(reference: string): string;
}

/** Where a borrower takes a complaint the lender did not resolve. */
export interface Regulator {
  authority: string;
  url: string;
}

export interface MarketProfile {
  code: string;
  currency: string;
  minorUnit: number;
  languages: readonly string[];
  /** The language when the borrower asked for none the market offers (DEFAULT_LANGUAGE overrides it). */
  defaultLanguage: string;
  /** Borrowers must be at least this old. */
  minAge: number;
  nationalId: IdRule;
  /** A second, optional tax number (Mexico: RFC). */
  taxId?: IdRule;
  account: AccountRule;
  /** The verification steps, in the order the borrower does them. */
  steps: readonly StepName[];
  phone: PhoneRule;
  /** BCP 47 tags for numbers and dates, per language offered ("hi" in India: "hi-IN"). */
  localeTags: Readonly<Record<string, string>>;
  /** The business calendar's zone when BUSINESS_TIME_ZONE is not set. */
  timeZone: string;
  /** The payment types offered, in the order the choice page lists them (1: transfer reference, 2: cash voucher). */
  payTypes: readonly (1 | 2)[];
  collection: Collection;
  /** The sandbox's Razorpay-shaped order beside a transfer reference (India). */
  gatewayOrder?: 'razorpay';
  regulator: Regulator;
  /** Dictionary version shipped for this market (src/domain/markets/dictionaries/<code>/<lang>.json). */
  dictionaryVersion: string;
}

export type StepName = 'personal' | 'address' | 'work' | 'documents' | 'bank';
