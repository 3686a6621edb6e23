import crypto from 'node:crypto';
import { makeDefault } from '../../src/data/repositories/bank-accounts.ts';
import { recordVerifiedAccount } from '../../src/services/bank-accounts.ts';
import { decideLoanByHand } from '../../src/services/loans.ts';
import { SIGNATURE_HEADER, signNotification } from '../../src/services/payments/sandbox.ts';
import { Client } from './client.ts';
import { clabeFor, makeStaff } from './factories.ts';
import { signedInApp } from './loans.ts';
import { startServer, type TestServer } from './server.ts';

let accounts = 0;

/** A portal where confirmed loans wait for staff review, and an admin (`staffId`) to decide them. */
export async function startManualReview(env: Record<string, string> = {}): Promise<{ server: TestServer; staffId: number }> {
  const server = await startServer({ REVIEW_MODE: 'manual', ...env });
  return { server, staffId: (await makeStaff(server.db, 'admin')).id };
}

/** A valid CLABE whose account part ends in `tail` (1111: the sandbox refuses it; 2222: it answers late). */
export function clabeEnding(tail: string): string {
  return clabeFor(Number(`${(++accounts % 9000) + 100 + (process.pid % 50) * 9000}${tail}`));
}

/** Gives the borrower a new verified account and makes it the default. */
export async function useAccount(server: TestServer, borrowerId: number, clabe: string): Promise<number> {
  await recordVerifiedAccount(server.db, server.clock, server.config, borrowerId, clabe, 'Prueba');
  const row = await server.db('bank_accounts').where({ borrower_id: borrowerId }).orderBy('id', 'desc').first();
  await makeDefault(server.db, borrowerId, row.id);
  return row.id;
}

/** A new signed-in borrower whose loan (2000 over 7 days) waits for a manual decision; `tail` picks the sandbox's answer. */
export async function loanInReview(server: TestServer, tail?: string, money = '2000') {
  const { app, borrower } = await signedInApp(server);
  if (tail) await useAccount(server, borrower.id, clabeEnding(tail));
  const applied = (await app.postApp('/Loan/reLoan', { money, time: '7' })).json();
  const confirmed = (await app.postApp('/Index/ajaxApply', { kfs_ack: '1' })).json();
  const loan = await server.db('loans').where({ borrower_id: borrower.id }).first();
  if (loan?.status !== 'in_review') throw new Error(`not in review: ${JSON.stringify([applied, confirmed])}`);
  return { app, borrower, loan };
}

/** Staff approve a loan by hand (the payout is sent at once). */
export const approveLoan = (server: TestServer, loanId: number, staffId: number) =>
  decideLoanByHand(server.db, server.clock, server.config, { loanId, staffId, address: '127.0.0.1', approve: true });

/** POSTs a signed payout callback to /Payout/notify, as the sandbox provider would. */
export function payoutCallback(server: TestServer, fields: { event_id?: string; idempotency_key: string; status: string; at?: number; reason?: string }) {
  const now = Math.floor(server.clock.now().getTime() / 1000);
  const body = JSON.stringify({ event_id: fields.event_id ?? crypto.randomUUID(), at: now, ...fields });
  return new Client(server.url).request('POST', '/Payout/notify', {
    body,
    headers: { 'Content-Type': 'application/json', [SIGNATURE_HEADER]: signNotification(server.config.payouts.webhookSecret, body, now) },
  });
}

/** A loan's payouts, first attempt first. */
export const payoutsOfLoan = (server: TestServer, loanId: number) => server.db('payouts').where({ loan_id: loanId }).orderBy('attempt');
