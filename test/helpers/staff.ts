import { Client } from './client.ts';
import { makeStaff } from './factories.ts';
import type { TestServer } from './server.ts';

/** A staff member signed in to the console through its form; `token` is the console's CSRF token. */
export async function staffClient(server: TestServer, role: 'support' | 'admin' = 'support') {
  const staff = await makeStaff(server.db, role);
  const c = new Client(server.url);
  const token = await c.csrf('/support/login');
  const res = await c.postForm('/support/login', { _csrf: token, email: staff.email, password: staff.password });
  if (res.status !== 303) throw new Error(`staff sign-in: ${res.status}`);
  return { c, staff, token: await c.csrf('/support/') };
}
