import test from 'ava';
import type Router from '@koa/router';
import { createRouter } from '../../src/http/routes.ts';
import type { StaffGuard } from '../../src/http/middleware/staff.ts';
import { can, POLICY, type Actor } from '../../src/policies.ts';
import { Client } from '../helpers/client.ts';
import { makeBorrower } from '../helpers/factories.ts';
import { staffClient } from '../helpers/staff.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;
test.before(async () => {
  server = await startServer();
});
test.after.always(() => server?.close());

interface ConsoleRoute {
  method: string;
  path: string;
  policy: StaffGuard['policy'] | undefined;
}

/** Every console route the router knows (the sign-in form aside), with the grant its guard checks. */
function consoleRoutes(): ConsoleRoute[] {
  const router: Router = createRouter();
  const routes: ConsoleRoute[] = [];
  for (const layer of router.stack) {
    const path = String(layer.path);
    if (!/^\/support(\/|$)/i.test(path) || /^\/support\/login$/i.test(path)) continue;
    const guard = layer.stack.find((m) => 'policy' in m) as StaffGuard | undefined;
    for (const method of layer.methods.filter((m) => m === 'GET' || m === 'POST')) {
      routes.push({ method, path, policy: guard?.policy });
    }
  }
  return routes;
}

test('every console route declares the grant it needs, and the admin-only pages are not granted to support', (t) => {
  const routes = consoleRoutes();
  t.true(routes.length >= 20, `found ${routes.length} console routes`);
  for (const r of routes) t.truthy(r.policy, `${r.method} ${r.path} has no staffMay guard`);
  // The table's known shape, independent of the guards: these stay admin-only.
  const support: Actor = { kind: 'staff', id: 1, role: 'support' };
  const admin: Actor = { kind: 'staff', id: 2, role: 'admin' };
  for (const [verb, subject] of [['read', 'loan'], ['review', 'loan'], ['read', 'borrower'], ['read', 'audit'], ['manage', 'staff'], ['manage', 'settings']] as const) {
    t.false(can(support, verb, subject), `support ${verb} ${subject}`);
    t.true(can(admin, verb, subject), `admin ${verb} ${subject}`);
  }
  // Admin may everything support may.
  for (const [subject, verbs] of Object.entries(POLICY.support)) {
    for (const verb of verbs ?? []) t.true(can(admin, verb, subject as keyof typeof POLICY.support), `admin ${verb} ${subject}`);
  }
  // Borrowers never reach a staff grant, and visitors nothing.
  t.false(can({ kind: 'borrower', id: 1 }, 'review', 'proof'));
  t.false(can({ kind: 'visitor' }, 'read', 'loan'));
});

// Pages the console has always kept to admins, whatever the guards declare.
const ADMIN_ONLY = /^\/support\/(loans|borrowers|audit)(\/|$)/i;

test('walking every console route as visitor, borrower, support and admin gives the outcome the policy table says', async (t) => {
  const visitor = new Client(server.url);
  const visitorToken = await visitor.csrf('/support/login');
  const b = await makeBorrower(server.db);
  const borrower = new Client(server.url);
  t.is((await borrower.signIn(b.phone, b.password)).status, 303);
  const borrowerToken = await borrower.csrf('/support/login');
  const support = await staffClient(server, 'support');
  const admin = await staffClient(server, 'admin');

  const roles = [
    { name: 'visitor', c: visitor, token: visitorToken, actor: { kind: 'visitor' } as Actor },
    { name: 'borrower', c: borrower, token: borrowerToken, actor: { kind: 'borrower', id: b.id } as Actor },
    { name: 'support', c: support.c, token: support.token, actor: { kind: 'staff', id: support.staff.id, role: 'support' } as Actor },
    { name: 'admin', c: admin.c, token: admin.token, actor: { kind: 'staff', id: admin.staff.id, role: 'admin' } as Actor },
  ];
  const routes = consoleRoutes().filter((r) => r.path !== '/support/logout');
  for (const route of routes) {
    const path = route.path.replace(/:id\b/g, '999999');
    for (const role of roles) {
      const res = route.method === 'GET' ? await role.c.get(path) : await role.c.postForm(path, { _csrf: role.token });
      const what = `${role.name} ${route.method} ${path}`;
      if (role.actor.kind !== 'staff') {
        t.true([302, 303].includes(res.status), `${what}: ${res.status}`);
        t.is(res.headers.get('location'), '/support/login', what);
      } else if (can(role.actor, route.policy!.verb, route.policy!.subject)) {
        t.false([401, 403, 500].includes(res.status), `${what}: ${res.status}`);
        t.not(res.headers.get('location'), '/support/login', what);
      } else {
        t.is(res.status, 403, what);
      }
      if (role.name === 'support' && ADMIN_ONLY.test(route.path)) t.is(res.status, 403, `${what} is admin-only`);
    }
  }
  // Sign-out last: any staff member may, a visitor is sent to sign in.
  t.is((await visitor.postForm('/support/logout', { _csrf: visitorToken })).headers.get('location'), '/support/login');
  for (const s of [support, admin]) {
    const res = await s.c.postForm('/support/logout', { _csrf: s.token });
    t.is(res.status, 303);
    t.is(res.headers.get('location'), '/support/login');
    t.is((await s.c.get('/support/')).headers.get('location'), '/support/login');
  }
});
