// Payouts: the provider's signed callbacks, and the borrower's view and retry of their loan's payout.
import type { Context } from 'koa';
import { presentAccount } from '../../presenters/identity.ts';
import { presentPayout } from '../../presenters/payouts.ts';
import { bankAccountsOf } from '../../services/bank-accounts.ts';
import { borrowerPayouts, handlePayoutCallback, retryPayout } from '../../services/payouts/payouts.ts';
import { providerCallback } from '../middleware/body.ts';
import { respond } from '../respond.ts';

/** POST /Payout/notify: a payout provider's signed callback; answered with what was done. */
export const notify = providerCallback((ctx, raw, headers) => {
  const { db, clock, config, logger } = ctx.deps;
  return handlePayoutCallback(db, clock, config, ctx.payouts, logger, raw, headers);
});

async function payoutModel(ctx: Context) {
  const { db, config } = ctx.deps;
  const borrowerId = ctx.state.borrower!.id;
  const { loan, payouts, accountOf } = await borrowerPayouts(db, borrowerId);
  const accounts = (await bankAccountsOf(db, borrowerId)).filter((a) => a.status === 'verified');
  return {
    loan_status: loan?.status ?? 'none',
    oid: loan?.oid ?? '',
    owes: loan?.status === 'disbursed',
    payouts: payouts.map((p) => presentPayout(p, accountOf(p))),
    accounts: accounts.map((a) => presentAccount(a, config.market, ctx.state.lang, ctx.state.t)),
    may_retry: loan?.status === 'payout_failed' && accounts.length > 0,
    /** Held only because there is no verified bank account at all: add one at /Bank/index. */
    needs_account: loan?.status === 'payout_failed' && accounts.length === 0,
    add_account_url: '/Bank/index',
  };
}

/** GET /Loan/payout (auth): where the loan's money is (on its way, arrived, failed), and the retry form. */
export async function show(ctx: Context): Promise<void> {
  const model = await payoutModel(ctx);
  respond(ctx, { view: 'loan/payout.njk', data: model, message: 'messages.successfully' });
}

/** POST /Loan/payoutRetry (auth): sends the failed payout again, to the borrower's verified default account. */
export async function retry(ctx: Context): Promise<void> {
  const { db, clock, config, logger } = ctx.deps;
  const loan = await retryPayout(db, clock, config, ctx.payouts, ctx.state.borrower!.id, logger);
  const flash = loan.status === 'disbursed' ? 'messages.loan_disbursed' : loan.status === 'payout_failed' ? 'messages.payout_failed' : 'messages.payout_retried';
  respond(ctx, { message: flash, data: { loan_status: loan.status }, redirect: '/Loan/payout', flash });
}
