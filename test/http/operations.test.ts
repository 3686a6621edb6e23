import test from 'ava';
import knexFactory from 'knex';
import { Client } from '../helpers/client.ts';
import { multipart, twoToneJpeg } from '../helpers/images.ts';
import { borrow, signedInApp } from '../helpers/loans.ts';
import { notify } from '../helpers/payments.ts';
import { PG_ADMIN_URL, startServer, type TestServer } from '../helpers/server.ts';

// /healthz, /readyz and /metrics (issue 21): what the proxy, an orchestrator and a scraper need.

const TOKEN = 'metrics-token-for-the-tests-0123';
let server: TestServer;
test.before(async () => {
  server = await startServer({ METRICS_ALLOW: '127.0.0.1,10.1.0.0/16', METRICS_TOKEN: TOKEN });
});
test.after.always(async () => {
  await server?.close();
});

const scrape = async (s: TestServer, headers: Record<string, string> = {}) => new Client(s.url).request('GET', '/metrics', { headers });

/** The value of one sample line (`name{labels} value`), or undefined. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const want = Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`));
    if (want) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

test('/healthz answers alive without touching the database; /readyz answers ready', async (t) => {
  const c = new Client(server.url);
  const alive = await c.request('GET', '/healthz');
  t.is(alive.status, 200);
  t.deepEqual(alive.json(), { status: 'alive' });
  t.is(alive.headers.get('set-cookie'), null);
  const ready = await c.request('GET', '/readyz');
  t.is(ready.status, 200);
  t.deepEqual(ready.json(), { status: 'ready' });
  t.is(ready.headers.get('cache-control'), 'no-store');
});

test.serial('/readyz answers 503 while shutting down, and keep-alive answers then close their connection', async (t) => {
  server.lifecycle.stopping = true;
  try {
    const c = new Client(server.url);
    const res = await c.request('GET', '/readyz');
    t.is(res.status, 503);
    t.deepEqual(res.json(), { status: 'unavailable', reason: 'shutting_down' });
    t.is((await c.request('GET', '/healthz')).status, 200, 'still alive');
    const page = await c.get('/Index/login');
    t.is(page.status, 200);
    t.is(page.headers.get('connection'), 'close');
  } finally {
    server.lifecycle.stopping = false;
  }
  t.is((await new Client(server.url).request('GET', '/readyz')).status, 200);
});

test('/readyz answers 503 while a migration is pending, and ready once it is applied', async (t) => {
  const own = await startServer();
  t.teardown(() => own.close());
  const dir = { directory: 'migrations', loadExtensions: ['.ts'] };
  // This issue's own migration (it has a `down`), whatever lands after it.
  await own.db.migrate.down({ ...dir, name: '20261124140000_upload_blobs.ts' });
  const res = await new Client(own.url).request('GET', '/readyz');
  t.is(res.status, 503);
  t.deepEqual(res.json(), { status: 'unavailable', reason: 'migrations_pending' });
  await own.db.migrate.latest(dir);
  t.is((await new Client(own.url).request('GET', '/readyz')).status, 200);
});

test('/metrics refuses (404) when neither METRICS_ALLOW nor METRICS_TOKEN is set', async (t) => {
  const closed = await startServer();
  t.teardown(() => closed.close());
  const res = await scrape(closed);
  t.is(res.status, 404);
  t.notRegex(res.text, /cuota_/);
  t.is((await scrape(closed, { Authorization: 'Bearer anything-at-all-here' })).status, 404);
});

test('/metrics: allowed addresses and ranges, the bearer token, and nobody else', async (t) => {
  t.is((await scrape(server)).status, 200, 'loopback is listed');
  const outside = await startServer({ METRICS_ALLOW: '10.1.0.0/16', METRICS_TOKEN: TOKEN, TRUST_PROXY: 'true' });
  t.teardown(() => outside.close());
  // Behind a trusted proxy the client is the forwarded address, not the proxy's.
  t.is((await scrape(outside, { 'X-Forwarded-For': '10.1.2.3' })).status, 200, 'inside the range');
  const refused = await scrape(outside, { 'X-Forwarded-For': '203.0.113.9' });
  t.is(refused.status, 404);
  t.notRegex(refused.text, /cuota_/);
  t.is((await scrape(outside, { 'X-Forwarded-For': '203.0.113.9', Authorization: `Bearer ${TOKEN}` })).status, 200, 'the token');
  t.is((await scrape(outside, { 'X-Forwarded-For': '203.0.113.9', Authorization: `Bearer ${TOKEN}x` })).status, 404, 'a wrong token');
  t.is((await scrape(outside, { 'X-Forwarded-For': '203.0.113.9', Authorization: TOKEN })).status, 404, 'not a bearer');
});

test.serial('/metrics counts requests and times them per route pattern, never per raw URL', async (t) => {
  const { app } = await signedInApp(server);
  await app.get('/Index/login');
  await app.get('/Public/Upload/20260302/0123456789abcdef0123456789abcdef.jpg');
  await app.get('/Public/Upload/20260303/fedcba9876543210fedcba9876543210.jpg');
  await app.get('/no/such/page/12345');
  const res = await scrape(server);
  t.is(res.status, 200);
  t.regex(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  const text = res.text;
  t.true((sample(text, 'cuota_http_requests_total', { method: 'GET', route: '/Index/login', status: '200' }) ?? 0) >= 1);
  t.is(sample(text, 'cuota_http_requests_total', { method: 'GET', route: '/Public/Upload/:day/:file', status: '404' }), 2, 'one pattern for both files');
  t.notRegex(text, /0123456789abcdef|12345/, 'no raw path in any label');
  t.true((sample(text, 'cuota_http_requests_total', { route: '(unmatched)', status: '404' }) ?? 0) >= 1);
  t.true((sample(text, 'cuota_http_request_duration_seconds_count', { method: 'POST', route: '/Index/ajaxSignIn' }) ?? 0) >= 1);
  t.truthy(sample(text, 'cuota_http_request_duration_seconds_bucket', { route: '/Index/login', le: '+Inf' }));
  t.notRegex(text, /route="\/(healthz|readyz|metrics)"/, 'probes are not counted');
});

test.serial('/metrics: payment notifications by outcome, payouts by state, the upload queue wait and the pool', async (t) => {
  const { app } = await signedInApp(server);
  await borrow(t, app);
  const bad = await notify(server, { reference: 'NOPE', amount: '1.00' }, 't=1,v1=00');
  t.true(bad.status >= 400);
  const outcome = bad.json().outcome as string;
  const unknown = await notify(server, { reference: 'NO-SUCH-REF', amount: '1.00' });
  const unknownOutcome = unknown.json().outcome as string;
  const B = 'b0undary';
  const upload = await app.request('POST', '/Info/ajaxUpload', {
    body: multipart(B, [[`Content-Disposition: form-data; name="file"; filename="a.jpg"`, await twoToneJpeg()]]),
    headers: { 'Content-Type': `multipart/form-data; boundary=${B}`, 'X-Requested-With': 'XMLHttpRequest', Accept: 'application/json' },
  });
  t.is(upload.json().status, 1, upload.text);

  const text = (await scrape(server, { Authorization: `Bearer ${TOKEN}` })).text;
  t.is(sample(text, 'cuota_payment_notifications_total', { outcome }), 1, outcome);
  t.is(sample(text, 'cuota_payment_notifications_total', { outcome: unknownOutcome }), 1, unknownOutcome);
  const states = (await server.db('payouts').select('status').count({ n: '*' }).groupBy('status')) as Array<{ status: string; n: number | string }>;
  t.true(states.length > 0, 'the loan has a payout');
  for (const { status, n } of states) t.is(sample(text, 'cuota_payouts', { state: status }), Number(n), status);
  t.true((sample(text, 'cuota_work_queue_wait_seconds_count', { queue: 'images' }) ?? 0) >= 1);
  t.truthy(sample(text, 'cuota_work_queue_wait_seconds_bucket', { queue: 'images', le: '+Inf' }));
  t.is(sample(text, 'cuota_work_queue_jobs', { queue: 'images', state: 'waiting' }), 0);
  t.true((sample(text, 'cuota_db_pool_connections', { state: 'max' }) ?? 0) >= 1);
  t.not(sample(text, 'cuota_db_pool_connections', { state: 'used' }), undefined);
  t.true((sample(text, 'cuota_process_resident_memory_bytes') ?? 0) > 0, "the process's own metrics");
});

test.serial('on PostgreSQL, connections cut under the portal answer a clean 503 envelope, then the pool reconnects', async (t) => {
  if (!PG_ADMIN_URL || server.config.database.client !== 'pg') {
    t.pass('PostgreSQL only (npm run test:pg)');
    return;
  }
  const { app } = await signedInApp(server);
  t.is((await app.getJson('/Repay/loans')).json().status, 200);
  const admin = knexFactory({ client: 'pg', connection: PG_ADMIN_URL });
  t.teardown(() => admin.destroy());
  const name = new URL(server.config.database.url).pathname.slice(1);
  const statuses: number[] = [];
  // Every pooled connection is cut while requests run: each answers 200 (a new connection) or 503, never 500.
  for (let round = 0; round < 3; round++) {
    await admin.raw('select pg_terminate_backend(pid) from pg_stat_activity where datname = ? and pid <> pg_backend_pid()', [name]);
    const answers = await Promise.all(Array.from({ length: 6 }, () => app.getJson('/Repay/loans')));
    for (const a of answers) {
      statuses.push(a.status);
      t.not(a.status, 500, a.text);
      t.notRegex(a.text, /at .*\.ts:\d+|Error:/);
      if (a.status === 503) t.like(a.json(), { status: 503, data: '' });
      else t.is(a.json().status, 200, a.text);
    }
  }
  t.log(`statuses: ${statuses.join(',')}`);
  t.is((await app.getJson('/Repay/loans')).json().status, 200, 'the pool connected again');
  t.is((await new Client(server.url).request('GET', '/readyz')).status, 200);
});
