import type { ConsolePage } from '../data/console-page.ts';
import type { Db } from '../data/db.ts';
import { findBorrowerByPhone } from '../data/repositories/borrowers.ts';
import { findLoanByOid } from '../data/repositories/loans.ts';
import { marketProfile } from '../domain/markets/index.ts';
import { normalizePhone } from '../domain/phone.ts';

/** Rows on one page of a console list. */
export const CONSOLE_PAGE_SIZE = 50;

/** What a console search found: a borrower (by phone), a loan and its borrower (by order number), or nothing. */
export type ConsoleFilter = { borrowerId?: number; loanId?: number } | null;

/**
 * A phone as staff may type it, in the forms to look up, likeliest first: as
 * the market stores its borrowers' phones (India drops "+91", Nigeria keeps
 * the leading 0), then as typed with only its spacing dropped, then its bare
 * digits. Empty when it is no phone at all.
 */
export function phoneSpellings(text: string, market: string): string[] {
  const typed = normalizePhone(text);
  if (!typed) return [];
  return [...new Set([marketProfile(market).phone.normalize(text), typed, typed.replace(/^\+/, '')].filter((p): p is string => p !== null))];
}

/**
 * Reads a console search box: an order number (more than 15 digits, the
 * longest phone) or a phone in any usual spelling (`phoneSpellings`, with
 * the market's own normaliser). Each is an exact lookup on a unique index.
 * Empty: no filter. Answers null when nothing matches.
 */
export async function consoleFilter(db: Db, q: string, market: string): Promise<ConsoleFilter> {
  const text = q.trim();
  if (!text) return {};
  if (/^\d{16,40}$/.test(text)) {
    const loan = await findLoanByOid(db, text);
    return loan ? { loanId: loan.id, borrowerId: loan.borrower_id } : null;
  }
  for (const phone of phoneSpellings(text, market)) {
    const borrower = await findBorrowerByPhone(db, phone);
    if (borrower) return { borrowerId: borrower.id };
  }
  return null;
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
