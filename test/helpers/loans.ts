import type { ExecutionContext } from 'ava';
import { Client } from './client.ts';
import { makeBorrower } from './factories.ts';
import type { TestServer } from './server.ts';

/** A signed-in app client (JSON, X-Requested-With) for a new borrower. */
export async function signedInApp(server: TestServer, fields: { quota?: number } = {}) {
  const borrower = await makeBorrower(server.db, fields);
  const app = new Client(server.url);
  const res = await app.postApp('/Index/ajaxSignIn', { username: borrower.phone, password: borrower.password });
  if (res.status !== 200 || res.json().status !== 200) throw new Error(`sign-in failed: ${res.text}`);
  return { borrower, app };
}

/** Applies and confirms through the JSON actions; returns Repay/loans data afterwards. */
export async function borrow(t: ExecutionContext, app: Client, money = '3000', time = '10') {
  const applied = await app.postApp('/Loan/reLoan', { money, time });
  t.is(applied.json().status, 200, applied.text);
  const confirmed = await app.postApp('/Index/ajaxApply', { kfs_ack: '1' });
  t.is(confirmed.json().status, 200, confirmed.text);
  return (await app.getJson('/Repay/loans')).json().data;
}
