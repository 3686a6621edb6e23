import type { ConsolePage } from '../data/console-page.ts';
import type { Db } from '../data/db.ts';
import { findBorrowerByPhone } from '../data/repositories/borrowers.ts';
import { findLoanByOid } from '../data/repositories/loans.ts';
import { normalizePhone } from '../domain/phone.ts';

/** Rows on one page of a console list. */
export const CONSOLE_PAGE_SIZE = 50;

/** What a console search found: a borrower (by phone), a loan and its borrower (by order number), or nothing. */
export type ConsoleFilter = { borrowerId?: number; loanId?: number } | null;

/**
 * Reads a console search box: an order number (more than 15 digits, the
 * longest phone) or a phone in any usual spelling. Both are exact lookups on
 * a unique index. Empty: no filter. Answers null when nothing matches.
 */
export async function consoleFilter(db: Db, q: string): Promise<ConsoleFilter> {
  const text = q.trim();
  if (!text) return {};
  const digits = text.replace(/\D/g, '');
  if (/^\d{16,40}$/.test(text)) {
    const loan = await findLoanByOid(db, text);
    return loan ? { loanId: loan.id, borrowerId: loan.borrower_id } : null;
  }
  const phone = normalizePhone(text);
  if (!phone) return null;
  const borrower = (await findBorrowerByPhone(db, phone)) ?? (digits !== phone ? await findBorrowerByPhone(db, digits) : undefined);
  return borrower ? { borrowerId: borrower.id } : null;
}

/** The page asked for: after the keyset, narrowed by the filter, one row more than shown. */
export function pageOf(after: number | null, filter: NonNullable<ConsoleFilter>, byLoan = true): ConsolePage {
  return { after, limit: CONSOLE_PAGE_SIZE + 1, borrowerId: filter.borrowerId, ...(byLoan && filter.loanId !== undefined ? { loanId: filter.loanId } : {}) };
}

/** The rows to show and the keyset of the next page (null on the last). */
export function splitPage<R extends { id: number }>(rows: R[]): { items: R[]; next: number | null } {
  const items = rows.slice(0, CONSOLE_PAGE_SIZE);
  return { items, next: rows.length > CONSOLE_PAGE_SIZE ? items[items.length - 1]!.id : null };
}
