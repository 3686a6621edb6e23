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
}

export interface MarketProfile {
  code: string;
  currency: string;
  minorUnit: number;
  languages: readonly string[];
  /** Borrowers must be at least this old. */
  minAge: number;
  nationalId: IdRule;
  /** A second, optional tax number (Mexico: RFC). */
  taxId?: IdRule;
  account: AccountRule;
  /** The verification steps, in the order the borrower does them. */
  steps: readonly StepName[];
  /** Dictionary version shipped for this market (src/domain/markets/dictionaries/<code>/<lang>.json). */
  dictionaryVersion: string;
}

export type StepName = 'personal' | 'address' | 'work' | 'documents' | 'bank';
