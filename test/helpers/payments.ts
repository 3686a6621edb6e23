import crypto from 'node:crypto';
import { SIGNATURE_HEADER, signNotification } from '../../src/services/payments/sandbox.ts';
import { Client } from './client.ts';
import type { TestServer } from './server.ts';

/** The payment URL asked for a method, as the app (no session needed). */
export function reference(url: string, paytype: 1 | 2) {
  return new Client('').request('POST', url, {
    body: `paytype=${paytype}`,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Requested-With': 'XMLHttpRequest' },
  });
}

/** Sends a payment notification signed with the sandbox secret (or a given signature). */
export function notify(server: TestServer, fields: Record<string, unknown>, signature?: string) {
  const body = JSON.stringify({ event_id: crypto.randomUUID(), status: 'paid', paid_at: Math.floor(server.clock.now().getTime() / 1000), ...fields });
  const t = Math.floor(server.clock.now().getTime() / 1000);
  return new Client(server.url).request('POST', '/Pay/notify', {
    body,
    headers: { 'Content-Type': 'application/json', [SIGNATURE_HEADER]: signature ?? signNotification(server.config.payments.webhookSecret, body, t) },
  });
}

/** Pays a payment URL in full by bank transfer: a reference, then the provider's signed "paid". */
export async function payInFull(server: TestServer, url: string): Promise<{ reference: string; amount: string }> {
  const data = (await reference(url, 1)).json().data;
  const res = await notify(server, { reference: data.reference, amount: data.money });
  if (res.status !== 200) throw new Error(`notify: ${res.status} ${res.text}`);
  return { reference: data.reference, amount: data.money };
}
