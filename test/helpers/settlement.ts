// Shared by the settlement tests (issue 13 and its review): a 3000/10 loan from
// 2 March 2026 in Mexico City (UTC-6), due 12 March, 3216.00 at maturity.
import crypto from 'node:crypto';
import type { ExecutionContext } from 'ava';
import { SIGNATURE_HEADER, signNotification } from '../../src/services/payments/sandbox.ts';
import { Client } from './client.ts';
import { borrow, signedInApp } from './loans.ts';
import { reference } from './payments.ts';
import type { TestServer } from './server.ts';

/** Mexico City wall-clock time on a March 2026 day, as an instant. */
export const mx = (day: number, hh: number, mm: number) => new Date(Date.UTC(2026, 2, day, hh + 6, mm));

/** Sends a provider notification, signed now, saying the borrower paid at `paidAt`. */
export function notify(server: TestServer, fields: { reference: string; amount: string; paidAt?: Date; eventId?: string }) {
  const body = JSON.stringify({
    event_id: fields.eventId ?? crypto.randomUUID(),
    reference: fields.reference,
    amount: fields.amount,
    status: 'paid',
    paid_at: Math.floor((fields.paidAt ?? server.clock.now()).getTime() / 1000),
  });
  const signature = signNotification(server.config.payments.webhookSecret, body, Math.floor(server.clock.now().getTime() / 1000));
  return new Client(server.url).request('POST', '/Pay/notify', { body, headers: { 'Content-Type': 'application/json', [SIGNATURE_HEADER]: signature } });
}

/** A borrower with a disbursed 3000/10 loan taken at 10:00 on 2 March; `at` signs them in again after the clock moved. */
export async function withLoan(server: TestServer, t: ExecutionContext) {
  server.clock.set(mx(2, 10, 0));
  const { app, borrower } = await signedInApp(server);
  const loan = await borrow(t, app, '3000', '10');
  const at = async (when: Date) => {
    server.clock.set(when);
    await app.postApp('/Index/ajaxSignIn', { username: borrower.phone, password: borrower.password });
  };
  const bill = () => server.db('bills').where({ id: Number(loan.billId) }).first();
  const settlements = () => server.db('settlements').where({ bill_id: Number(loan.billId) }).orderBy('id');
  return { app, borrower, loan, at, bill, settlements };
}

/** `notify` and `withLoan` for a test file's server, read when called (once test.before started it). */
export function settlementOn(server: () => TestServer) {
  return {
    notify: (fields: Parameters<typeof notify>[1]) => notify(server(), fields),
    withLoan: (t: ExecutionContext) => withLoan(server(), t),
  };
}

/** A payment link (intent) for `next`, and one of its references. */
export async function link(app: Client, oid: string, next?: 'delay', paytype: 1 | 2 = 1) {
  const res = await app.postApp('/Repay/payData', { oid, ...(next ? { next } : {}) });
  if (res.status !== 200) throw new Error(`payData: ${res.status} ${res.text}`);
  const url = res.json().data as string;
  return { url, ...(await reference(url, paytype)).json().data };
}
