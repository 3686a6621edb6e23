import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Language } from '../i18n.ts';
import { LEGAL_DOCUMENTS, type LegalDocument, type LegalDocumentName } from '../snapshots/legal.ts';
export { LEGAL_DOCUMENTS, PROTOCOL_CODES, type LegalDocument, type LegalDocumentName } from '../snapshots/legal.ts';

const CONTENT_DIR = fileURLToPath(new URL('../../content/legal', import.meta.url));
const FILE = /^([0-9A-Za-z._-]+)\.(en|es)\.json$/;

let library: LegalDocument[] | undefined;

/**
 * Every version of every document in every language, from
 * content/legal/<document>/<version>.<lang>.json, read once. A new version is
 * a new file (both languages); the newest version (by name) is the current one.
 */
export function allLegalDocuments(dir = CONTENT_DIR): LegalDocument[] {
  if (library && dir === CONTENT_DIR) return library;
  const found: LegalDocument[] = [];
  for (const document of LEGAL_DOCUMENTS) {
    for (const file of fs.readdirSync(path.join(dir, document)).sort()) {
      const m = FILE.exec(file);
      if (!m) continue;
      const body = JSON.parse(fs.readFileSync(path.join(dir, document, file), 'utf8'));
      found.push({ document, version: m[1]!, lang: m[2] as Language, title: body.title, effective: body.effective, sections: body.sections });
    }
  }
  if (dir === CONTENT_DIR) library = found;
  return found;
}

/** The current version of a document (the newest), as a string like `2026-11`. */
export function currentVersion(document: LegalDocumentName): string {
  return allLegalDocuments()
    .filter((d) => d.document === document)
    .map((d) => d.version)
    .sort()
    .at(-1)!;
}

/** One document in a language: the given version, or the current one; undefined when there is no such version. */
export function legalDocument(document: LegalDocumentName, lang: Language, version?: string): LegalDocument | undefined {
  const wanted = version ?? currentVersion(document);
  return allLegalDocuments().find((d) => d.document === document && d.version === wanted && d.lang === lang);
}

/** The versions a borrower accepts now, by document. */
export function currentVersions(): Record<LegalDocumentName, string> {
  return { terms: currentVersion('terms'), privacy: currentVersion('privacy') };
}
