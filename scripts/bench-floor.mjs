// The benchmark's second reference: what the stack DESIGN.md prescribes costs
// before Cuota does anything. Koa, @koa/router holding as many routes as
// Cuota's, and koa-session with its store in memory, answering a signed-in
// borrower the same Repay/loans JSON Cuota answers (fixed here). No database,
// no logging, no security headers, no language, no CSRF.
import Router from '@koa/router';
import Koa from 'koa';
import session from 'koa-session';

const ROUTES = 72;
const LOANS = {
  status: 200,
  message: 'Successfully',
  data: {
    doquota: '5000.00', commission: 0, quota: '5000.00', default_loan_time: 7, default_deadline: ['7', '10', '15', '20'],
    default_loan_interest: '0.043', default_repay_interest: '0.0072', next_loan: '5000', approval_rate: '1.00', next_loan_period: '7',
    status: 2, loan_status: 'disbursed', oid: '202611221234567890', money: '3000.00', repay_money: '3216.00', repay_time: '2026-12-02',
  },
};

const app = new Koa();
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
  ctx.set('Cache-Control', 'no-store');
  ctx.body = LOANS;
});
app.use(router.routes());
const server = app.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('floor listening'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
