import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Db } from '../data/db.ts';
import { findActiveConsent, insertConsent, withdrawConsents } from '../data/repositories/contact-consents.ts';
import { type ContactRow, contactsOfBorrower, deleteContactsOf, upsertContacts } from '../data/repositories/contacts.ts';
import { normalizePhone } from '../domain/phone.ts';
import { AppError } from '../errors.ts';

export const MAX_CONTACTS = 5000;
const NAME_MAX = 100;
const RELATION_MAX = 40;

type ContactsConfig = Pick<Config, 'contacts'>;

/** The borrower's consent to the current text, if given and not withdrawn. */
export function activeConsent(db: Db, borrowerId: number) {
  return findActiveConsent(db, borrowerId);
}

/** Refuses contact features when they are off or the borrower has not consented (403 with the reason). */
async function assertAllowed(db: Db, config: ContactsConfig, borrowerId: number, needConsent = true): Promise<void> {
  if (!config.contacts.enabled) throw new AppError(403, 'contacts_disabled', 'errors.contacts_disabled');
  if (needConsent && !(await activeConsent(db, borrowerId))) throw new AppError(403, 'consent_required', 'errors.consent_required');
}

/** Records the borrower's consent to the current consent text, with its version and time. */
export async function giveConsent(db: Db, clock: Clock, config: ContactsConfig, borrowerId: number): Promise<void> {
  await assertAllowed(db, config, borrowerId, false);
  if (await activeConsent(db, borrowerId)) return;
  await insertConsent(db, { borrower_id: borrowerId, version: config.contacts.consentVersion, given_at: clock.now().getTime() });
}

/** Withdraws consent and deletes every stored contact of the borrower, in one step. */
export async function withdrawConsent(db: Db, clock: Clock, borrowerId: number): Promise<number> {
  return db.transaction(async (trx): Promise<number> => {
    await withdrawConsents(trx, borrowerId, clock.now().getTime());
    return deleteContactsOf(trx, borrowerId);
  });
}

export interface RowProblem {
  index: number;
  field: 'name' | 'phone';
  reason: string;
}

/**
 * Contact/ajaxPush: stores valid rows (names trimmed and cut to length, phones
 * normalised), merging duplicates by phone per borrower; invalid rows are
 * reported back by index and not stored. More than MAX_CONTACTS: 413.
 */
export async function pushContacts(
  db: Db,
  clock: Clock,
  config: ContactsConfig,
  borrowerId: number,
  rows: unknown[],
): Promise<{ saved: number; invalid: RowProblem[] }> {
  await assertAllowed(db, config, borrowerId);
  if (rows.length > MAX_CONTACTS) throw new AppError(413, 'too_many_contacts', 'errors.too_many_contacts', { params: { max: MAX_CONTACTS } });
  const invalid: RowProblem[] = [];
  const byPhone = new Map<string, { name: string; phone: string; relation: string | null }>();
  rows.forEach((raw, index) => {
    const row = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
    // A row left entirely empty (the page's second person, unused) is not a mistake.
    if (!String(row.name ?? '').trim() && !String(row.phone ?? '').trim()) return;
    const name = typeof row.name === 'string' ? row.name.trim().replace(/\s+/g, ' ').slice(0, NAME_MAX) : '';
    const phone = typeof row.phone === 'string' || typeof row.phone === 'number' ? normalizePhone(String(row.phone)) : null;
    if (!name) return invalid.push({ index, field: 'name', reason: 'errors.contact_name' });
    if (!phone) return invalid.push({ index, field: 'phone', reason: 'errors.phone_invalid' });
    const relation = typeof row.relate === 'string' && row.relate.trim() ? row.relate.trim().slice(0, RELATION_MAX) : null;
    byPhone.set(phone, { name, phone, relation });
  });
  const now = clock.now().getTime();
  const values = [...byPhone.values()].map((c) => ({ ...c, borrower_id: borrowerId, created_at: now, updated_at: now }));
  await db.transaction((trx) => upsertContacts(trx, values));
  return { saved: values.length, invalid };
}

/** What is stored about the borrower's contacts, for the contacts page. */
export async function contactsOf(db: Db, config: ContactsConfig, borrowerId: number): Promise<ContactRow[]> {
  await assertAllowed(db, config, borrowerId);
  return contactsOfBorrower(db, borrowerId);
}
