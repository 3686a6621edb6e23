import type { Db } from '../data/db.ts';
import type { BorrowerRow } from '../data/repositories/borrowers.ts';
import { acceptancesOf } from '../data/repositories/document-acceptances.ts';
import { recentCodeRequests } from '../data/repositories/one-time-codes.ts';

/** What the borrower's profile shows: the account and the documents it accepted. */
export async function profileOf(db: Db, borrower: BorrowerRow) {
  return { borrower, acceptances: await acceptancesOf(db, borrower.id) };
}

/** What the console shows about a borrower's account: sign-up time, accepted versions, recent code requests. */
export async function accountForStaff(db: Db, borrower: BorrowerRow) {
  const [acceptances, codes] = await Promise.all([acceptancesOf(db, borrower.id), recentCodeRequests(db, borrower.phone)]);
  return { borrower, acceptances, codes };
}
