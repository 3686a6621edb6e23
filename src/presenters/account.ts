import type { BorrowerRow } from '../data/repositories/borrowers.ts';
import type { DocumentAcceptanceRow } from '../data/repositories/document-acceptances.ts';
import type { OneTimeCodeRow } from '../data/repositories/one-time-codes.ts';
import { PROTOCOL_CODES, type LegalDocument, type LegalDocumentName } from '../snapshots/legal.ts';
import type { OutboxEntry } from '../snapshots/outbox.ts';

/** The borrower's own account: phone, when it was opened, the documents accepted. */
export function presentProfile(borrower: BorrowerRow, acceptances: DocumentAcceptanceRow[]) {
  return {
    phone: borrower.phone,
    created_at: borrower.created_at,
    documents: acceptances.map((a) => ({ document: a.document, version: a.version, accepted_at: a.accepted_at })),
  };
}

/** One legal document for its page and its JSON. */
export function presentLegalDocument(doc: LegalDocument) {
  return { document: doc.document, version: doc.version, lang: doc.lang, title: doc.title, effective: doc.effective, sections: doc.sections };
}

/** The list of legal documents as the spec's protocol list names them: `{name, code, value}`. */
export function presentDocumentList(docs: LegalDocument[]) {
  return {
    list: docs.map((d) => ({
      name: d.title,
      code: PROTOCOL_CODES[d.document as LegalDocumentName],
      value: `/Index/${d.document}`,
      version: d.version,
    })),
  };
}

/** The development outbox, newest first. */
export function presentOutbox(entries: OutboxEntry[]) {
  return { messages: entries.map((m) => ({ to: m.to, purpose: m.purpose, text: m.text, at: m.at })) };
}

/** A borrower's sign-up facts and recent code requests for staff: never a code or its hash. */
export function presentAccountForStaff(
  borrower: BorrowerRow,
  acceptances: DocumentAcceptanceRow[],
  codes: Array<Pick<OneTimeCodeRow, 'id' | 'purpose' | 'address' | 'created_at' | 'attempts' | 'verified_at' | 'consumed_at' | 'superseded_at' | 'expires_at'>>,
) {
  return {
    createdAt: borrower.created_at,
    documents: acceptances.map((a) => ({ document: a.document, version: a.version, lang: a.lang, acceptedAt: a.accepted_at, address: a.address })),
    codes: codes.map((c) => ({
      id: c.id,
      purpose: c.purpose,
      address: c.address,
      createdAt: c.created_at,
      attempts: c.attempts,
      outcome: c.consumed_at ? 'used' : c.superseded_at ? 'replaced' : c.verified_at ? 'verified' : 'issued',
    })),
  };
}
