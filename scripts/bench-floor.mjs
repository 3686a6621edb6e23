// The benchmark's second reference: what the stack DESIGN.md prescribes costs
// before Cuota does anything. Koa, @koa/router holding as many routes as
// Cuota's, and koa-session with its store in memory, answering a signed-in
// borrower the same Repay/loans JSON Cuota answers (FLOOR_LOANS, the body the
// benchmark read from the portal; a fixed one when run alone). No database,
// no logging, no security headers, no language, no CSRF.
//
// With FLOOR_OBLIGATIONS=1 it also does what every answer of Cuota's must
// carry, with the same libraries and settings: the request log line (pino,
// asynchronous, to FLOOR_LOG), the request metrics (prom-client), helmet's
// headers, the answer turned into bytes and compressed past 1 KiB, and the
// language and caching headers. What that costs is not Cuota's own code: it
// is the part of the floor a product cannot leave out (docs/performance.md).
import crypto from 'node:crypto';
import zlib from 'node:zlib';
import Router from '@koa/router';
import helmet from 'helmet';
import Koa from 'koa';
import session from 'koa-session';
import pino from 'pino';
import client from 'prom-client';

const ROUTES = 72;
const LOANS = process.env.FLOOR_LOANS
  ? JSON.parse(process.env.FLOOR_LOANS)
  : {
      status: 200,
      message: 'Successfully',
      data: {
        doquota: '5000.00', commission: 0, quota: '5000.00', default_loan_time: 7, default_deadline: ['7', '10', '15', '20'],
        default_loan_interest: '0.043', default_repay_interest: '0.0072', next_loan: '5000', approval_rate: '1.00', next_loan_period: '7',
        status: 2, loan_status: 'disbursed', oid: '202611221234567890', money: '3000.00', repay_money: '3216.00', repay_time: '2026-12-02',
      },
    };

const app = new Koa();
if (process.env.FLOOR_OBLIGATIONS === '1') for (const middleware of obligations()) app.use(middleware);
const sessions = new Map();
app.use(
  session(
    {
      key: 'floor.sid',
      signed: false,
      store: {
        get: async (key) => sessions.get(key),
        set: async (key, value) => void sessions.set(key, value),
        destroy: async (key) => void sessions.delete(key),
      },
    },
    app,
  ),
);
const router = new Router({ sensitive: false, strict: false });
for (let i = 0; i < ROUTES - 3; i++) router.get(`/Other${i}/action${i}`, (ctx) => (ctx.body = { i }));
router.get('/', (ctx) => (ctx.body = { status: 200 }));
router.get('/signIn', (ctx) => {
  ctx.session.borrowerId = 1;
  ctx.body = { status: 200 };
});
router.get('/Repay/loans', (ctx) => {
  if (ctx.session.borrowerId !== 1) ctx.throw(401);
  ctx.vary('Accept');
  ctx.set('Cache-Control', 'no-store');
  ctx.body = LOANS;
});
app.use(router.routes());
const server = app.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('floor listening'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));

/** The per-request work a product answer carries, in Cuota's order and with its settings (src/app.ts). */
function obligations() {
  const registry = new client.Registry();
  const duration = new client.Histogram({ name: 'http_request_duration_seconds', help: 'd', labelNames: ['method', 'route'], registers: [registry] });
  const requests = new client.Counter({ name: 'http_requests_total', help: 'r', labelNames: ['method', 'route', 'status'], registers: [registry] });
  const series = new Map();
  const destination = pino.destination({ dest: process.env.FLOOR_LOG ?? '/dev/null', sync: false, minLength: 4096, periodicFlush: 1000 });
  const logger = pino({ level: 'info', base: undefined }, destination);
  // helmet's headers worked out once, as src/http/middleware/security.ts does.
  const headers = new Map();
  helmet({ referrerPolicy: { policy: 'same-origin' }, strictTransportSecurity: false, frameguard: { action: 'sameorigin' } })(
    {},
    { setHeader: (k, v) => headers.set(k, String(v)), removeHeader: (k) => headers.delete(k) },
    () => {},
  );
  const count = async (ctx, next) => {
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const route = ctx._matchedRoute ?? '(unmatched)';
      const key = `${ctx.method} ${ctx.status} ${route}`;
      let found = series.get(key);
      if (!found) series.set(key, (found = { timer: duration.labels({ method: ctx.method, route }), counter: requests.labels({ method: ctx.method, route, status: String(ctx.status) }) }));
      found.timer.observe(Number(process.hrtime.bigint() - started) / 1e9);
      found.counter.inc();
    }
  };
  const log = async (ctx, next) => {
    const started = process.hrtime.bigint();
    const requestId = crypto.randomUUID();
    ctx.set('X-Request-Id', requestId);
    try {
      await next();
    } finally {
      const route = ctx._matchedRoute;
      logger.info({ requestId, method: ctx.method, route: route ?? '(unmatched)', status: ctx.status, ms: Number(process.hrtime.bigint() - started) / 1e6, ip: ctx.ip, borrower: ctx.session?.borrowerId }, 'request');
    }
  };
  const compress = async (ctx, next) => {
    ctx.vary('Accept-Encoding');
    await next();
    if (ctx.body === null || ctx.body === undefined) return;
    const bytes = Buffer.isBuffer(ctx.body) ? ctx.body : Buffer.from(typeof ctx.body === 'string' ? ctx.body : JSON.stringify(ctx.body));
    ctx.body = bytes;
    if (bytes.length < 1024 || ctx.acceptsEncodings('br', 'gzip', 'identity') !== 'br') return;
    ctx.body = zlib.brotliCompressSync(bytes, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 0, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } });
    ctx.set('Content-Encoding', 'br');
  };
  const securityHeaders = (ctx, next) => {
    for (const [name, value] of headers) ctx.res.setHeader(name, value);
    return next();
  };
  const language = (ctx, next) => {
    ctx.set('Content-Language', 'es');
    return next();
  };
  return [count, log, compress, securityHeaders, language];
}
