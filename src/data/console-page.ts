/**
 * One page of a console list, by keyset: rows after the last id shown (in the
 * list's own order), never OFFSET, so page 5,000 costs what page 1 does.
 * A search narrows the list to one borrower (by phone) or one loan (by order
 * number); `limit` is one more than a page, to know whether another follows.
 */
export interface ConsolePage {
  after: number | null;
  limit: number;
  borrowerId?: number;
  loanId?: number;
}
