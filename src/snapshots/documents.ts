// The facts behind a borrower's documents (receipt, no-dues certificate), as services read them for presenters.
import type { BankAccountRow } from '../data/repositories/bank-accounts.ts';
import type { BillRow } from '../data/repositories/bills.ts';
import type { PayoutRow } from '../data/repositories/payouts.ts';
import type { LoanRow } from '../data/repositories/loans.ts';
import type { ReferenceRow } from '../data/repositories/payments.ts';
import type { SettlementRow } from '../data/repositories/settlements.ts';

/** A settled payment with what it paid into and what was left after it. */
export interface ReceiptFacts {
  settlement: SettlementRow;
  loan: LoanRow;
  bill: BillRow;
  phone: string;
  /** The gateway reference it paid, when it came through one (a proof or a manual settlement has none). */
  reference: ReferenceRow | undefined;
  /** What the bill still asked for right after this payment. */
  leftAfter: number;
}

/** A closed loan with every payment made on it. */
export interface CertificateFacts {
  loan: LoanRow;
  bill: BillRow;
  phone: string;
  settlements: readonly SettlementRow[];
  paidTotal: number;
  closedAt: number;
}

/** A loan's money as it arrived: the payout the provider confirmed and the account it went to. */
export interface DisbursementFacts {
  loan: LoanRow;
  payout: PayoutRow;
  account: Pick<BankAccountRow, 'bank_code' | 'last4'>;
  phone: string;
}
