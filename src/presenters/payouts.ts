// What a borrower and staff see of a payout: the amount, the masked account, when it arrived.
import type { BankAccountRow } from '../data/repositories/bank-accounts.ts';
import type { PayoutRow } from '../data/repositories/payouts.ts';
import { formatPlain } from '../domain/money.ts';
import { maskTail } from '../domain/kyc.ts';

/** One payout for the borrower (JSON and page): never the full account number. */
export function presentPayout(payout: PayoutRow, account: Pick<BankAccountRow, 'last4' | 'bank_code'> | undefined) {
  return {
    id: payout.id,
    attempt: payout.attempt,
    status: payout.status,
    amount: formatPlain(payout.amount),
    amount_minor: payout.amount,
    account: account ? maskTail(account.last4) : '',
    bank_code: account?.bank_code ?? '',
    reason: payout.reason ?? '',
    sent_at: payout.created_at,
    arrived_at: payout.paid_at,
    failed_at: payout.failed_at,
    returned_at: payout.returned_at,
  };
}
