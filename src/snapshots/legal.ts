import type { Language } from '../i18n.ts';

/** The legal documents a borrower accepts at sign-up. */
export const LEGAL_DOCUMENTS = ['terms', 'privacy'] as const;
export type LegalDocumentName = (typeof LEGAL_DOCUMENTS)[number];

/** The spec's protocol codes (krazyrupee `protocol/list`) for each document. */
export const PROTOCOL_CODES: Record<LegalDocumentName, string> = { terms: 'protocol_register', privacy: 'protocol_privacy' };

export interface LegalDocument {
  document: LegalDocumentName;
  version: string;
  lang: Language;
  title: string;
  effective: string;
  sections: Array<{ heading: string; body: string[] }>;
}
