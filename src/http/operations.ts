import crypto from 'node:crypto';
import net from 'node:net';
import type { Context, Next } from 'koa';
import client from 'prom-client';
import type { Config } from '../config.ts';
import { type Db, pendingMigrations, poolUse } from '../data/db.ts';
import { countPendingProofs } from '../data/repositories/proofs.ts';
import { payoutCounts } from '../data/repositories/payouts.ts';
import { processRegistry } from '../metrics.ts';

/**
 * What the proxy, an orchestrator and a Prometheus scraper need from a portal
 * process (docs/deployment.md): `GET /healthz` (the process answers; no
 * database), `GET /readyz` (the database answers and its schema is current;
 * 503 otherwise and while shutting down) and `GET /metrics` (Prometheus text,
 * only for METRICS_ALLOW addresses or the METRICS_TOKEN bearer; 404 to anyone
 * else). They answer before sessions, languages and the request log: probes
 * every few seconds would otherwise fill both.
 */

/** Set by main.ts on SIGTERM: /readyz answers 503 from then on. */
export interface Lifecycle {
  stopping: boolean;
}

/** One app's metrics (the process's own are merged in at each scrape). */
export interface Metrics {
  registry: client.Registry;
  requests: client.Counter<'method' | 'route' | 'status'>;
  duration: client.Histogram<'method' | 'route'>;
  paymentNotifications: client.Counter<'outcome'>;
}

const READY_TIMEOUT_MS = 2_000;

/**
 * A gauge with one label, read from the database at each scrape. A database
 * away or slower than READY_TIMEOUT_MS leaves this family out: the scrape
 * still answers, within a scraper's timeout.
 */
function fromDatabase(registry: client.Registry, name: string, help: string, label: string, read: () => Promise<Array<[string, number]>>): void {
  new client.Gauge({
    name,
    help,
    labelNames: [label],
    registers: [registry],
    async collect() {
      this.reset();
      let values: Array<[string, number]>;
      try {
        values = await withTimeout(read(), READY_TIMEOUT_MS);
      } catch {
        return;
      }
      for (const [value, n] of values) this.set({ [label]: value }, n);
    },
  });
}

export function createMetrics(db: Db): Metrics {
  const registry = new client.Registry();
  const requests = new client.Counter({
    name: 'cuota_http_requests_total',
    help: 'Requests answered, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const duration = new client.Histogram({
    name: 'cuota_http_request_duration_seconds',
    help: 'Time to answer a request, by method and route pattern',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const paymentNotifications = new client.Counter({
    name: 'cuota_payment_notifications_total',
    help: "Payment providers' notifications, by outcome (booked, duplicate, bad_signature, ...)",
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  fromDatabase(registry, 'cuota_payouts', 'Payouts in each state (read from the database at each scrape)', 'state', async () =>
    (await payoutCounts(db)).map((row) => [row.status, Number(row.n)]),
  );
  fromDatabase(
    registry,
    'cuota_review_backlog',
    'What waits for staff review, by queue: the whole backlog, which the console counts only to 1,000 (read from the shared database at each scrape: every portal reports the same figure)',
    'queue',
    async () => [['proofs', await countPendingProofs(db)]],
  );
  new client.Gauge({
    name: 'cuota_db_pool_connections',
    help: "The database pool's connections in use and idle, and requests waiting for one",
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      const use = poolUse(db);
      this.set({ state: 'used' }, use.used);
      this.set({ state: 'free' }, use.free);
      this.set({ state: 'pending' }, use.pending);
      this.set({ state: 'max' }, use.max);
    },
  });
  return { registry, requests, duration, paymentNotifications };
}

/** A route's label: its pattern (`/Public/Upload/:day/:file`), never the raw URL, so the label set stays small. */
function routeLabel(ctx: Context): string {
  const matched = (ctx as { _matchedRoute?: string })._matchedRoute;
  if (matched) return matched;
  if (ctx.status === 404) return '(unmatched)';
  return ctx.path.startsWith('/assets/') || ctx.path.startsWith('/public/') ? '(static)' : '(other)';
}

/**
 * Counts and times every request by route pattern (outside everything, so
 * refusals count too). Each label set's children are made once and kept,
 * not a timer closure and two label objects per request (prom-client still
 * checks the labels of each observation). The label sets are few: route
 * patterns, the methods Node's parser accepts, statuses.
 */
export function countRequests(metrics: Metrics) {
  const series = new Map<string, { timer: ReturnType<Metrics['duration']['labels']>; counter: ReturnType<Metrics['requests']['labels']> }>();
  const seriesOf = (method: string, route: string, status: number) => {
    const key = `${method} ${status} ${route}`;
    let found = series.get(key);
    if (!found) {
      found = { timer: metrics.duration.labels({ method, route }), counter: metrics.requests.labels({ method, route, status: String(status) }) };
      series.set(key, found);
    }
    return found;
  };
  return async function count(ctx: Context, next: Next): Promise<void> {
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const { timer, counter } = seriesOf(ctx.method, routeLabel(ctx), ctx.status);
      timer.observe(Number(process.hrtime.bigint() - started) / 1e9);
      counter.inc();
    }
  };
}

/** Who may read /metrics: a matcher over METRICS_ALLOW, and the token's digest. */
function metricsAccess(config: Pick<Config, 'metrics'>) {
  const allowed = new net.BlockList();
  for (const entry of config.metrics.allow) {
    const [address, prefix] = entry.split('/');
    const family = net.isIPv4(address!) ? 'ipv4' : 'ipv6';
    if (prefix === undefined) allowed.addAddress(address!, family);
    else allowed.addSubnet(address!, Number(prefix), family);
  }
  const digest = (v: string) => crypto.createHash('sha256').update(v).digest();
  const token = config.metrics.token ? digest(config.metrics.token) : null;
  return (ctx: Context): boolean => {
    const auth = /^Bearer\s+(\S+)$/i.exec(ctx.get('Authorization'));
    if (token && auth && crypto.timingSafeEqual(digest(auth[1]!), token)) return true;
    if (!config.metrics.allow.length) return false;
    // ctx.ip is the client behind TRUST_PROXY's hops; an IPv4 client on a dual-stack socket reads ::ffff:a.b.c.d.
    const ip = ctx.ip.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
    const family = net.isIPv4(ip) ? 'ipv4' : net.isIPv6(ip) ? 'ipv6' : null;
    return family !== null && allowed.check(ip, family);
  };
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    work,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Why the process is not ready, or null when it is. */
async function notReady(db: Db, lifecycle: Lifecycle): Promise<string | null> {
  if (lifecycle.stopping) return 'shutting_down';
  try {
    await withTimeout(db.raw('select 1'), READY_TIMEOUT_MS);
  } catch {
    return 'database_unreachable';
  }
  try {
    const pending = await withTimeout(pendingMigrations(db), READY_TIMEOUT_MS);
    return pending.length ? 'migrations_pending' : null;
  } catch {
    return 'database_unreachable';
  }
}

/** /healthz, /readyz and /metrics (see above); every other request passes on. */
export function operations(deps: { db: Db; config: Pick<Config, 'metrics'> }, metrics: Metrics, lifecycle: Lifecycle) {
  const mayReadMetrics = metricsAccess(deps.config);
  return async function operationsEndpoints(ctx: Context, next: Next): Promise<void> {
    // An answer given while stopping closes its connection: no client or proxy reuses one about to go.
    if (lifecycle.stopping) ctx.set('Connection', 'close');
    switch (ctx.method === 'GET' || ctx.method === 'HEAD' ? ctx.path : '') {
      case '/healthz':
        ctx.set('Cache-Control', 'no-store');
        ctx.body = { status: 'alive' };
        return;
      case '/readyz': {
        ctx.set('Cache-Control', 'no-store');
        const reason = await notReady(deps.db, lifecycle);
        ctx.status = reason ? 503 : 200;
        ctx.body = reason ? { status: 'unavailable', reason } : { status: 'ready' };
        return;
      }
      case '/metrics': {
        ctx.set('Cache-Control', 'no-store');
        if (!mayReadMetrics(ctx)) {
          ctx.status = 404;
          ctx.body = { status: 404, message: 'Not Found', data: '' };
          return;
        }
        const merged = client.Registry.merge([metrics.registry, processRegistry]);
        ctx.type = merged.contentType;
        ctx.body = await merged.metrics();
        return;
      }
      default:
        await next();
    }
  };
}

/** A payment notification's outcome as a label: known shapes only, so a provider cannot grow the label set. */
export function outcomeLabel(outcome: string): string {
  return /^[a-z_]{1,40}$/.test(outcome) ? outcome : 'other';
}
