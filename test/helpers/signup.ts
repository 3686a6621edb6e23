import type { ExecutionContext } from 'ava';
import { Client } from './client.ts';

/**
 * Checks an action's outcome in one place: the envelope's `status`, and the
 * HTTP status, which is the same code today or 200 once every JSON answer is
 * HTTP 200 with the outcome in the envelope (CONTRACT.md's revised rule).
 */
export function expectOutcome(t: ExecutionContext, res: { status: number; json(): { status: number } }, status: number, why?: string): void {
  t.is(res.json().status, status, why);
  t.true(res.status === status || res.status === 200, `HTTP ${res.status} for outcome ${status}${why ? `: ${why}` : ''}`);
}

/** The newest text message the log sender wrote for a phone, from /dev/outbox. */
export async function lastMessage(base: string, phone: string): Promise<{ text: string; purpose: string } | undefined> {
  const res = await new Client(base).getJson(`/dev/outbox?phone=${encodeURIComponent(phone)}`);
  return res.json().data.messages[0];
}

/** The code in the newest message for a phone (fails the test when there is none). */
export async function codeFor(base: string, phone: string): Promise<string> {
  const message = await lastMessage(base, phone);
  const code = /\b(\d{6})\b/.exec(message?.text ?? '')?.[1];
  if (!code) throw new Error(`no code in the outbox for ${phone}: ${message?.text}`);
  return code;
}

let sequence = 0;
/** A phone no test has used yet in this process. */
export function freshPhone(): string {
  return `56${String(process.pid % 10000).padStart(4, '0')}${String(++sequence).padStart(4, '0')}`;
}

/** Signs up through the app's JSON calls (send code, one-shot register); answers the signed-in client. */
export async function signUpByApp(base: string, phone: string, password = 'Tulipan-azul-27') {
  const app = new Client(base);
  await app.postApp('/Index/sendCode', { phone, purpose: 'register' });
  const code = await codeFor(base, phone);
  const res = await app.postApp('/Index/ajaxRegister', { phone, code, password, password_confirm: password, accept: '1' });
  return { app, res, password };
}
