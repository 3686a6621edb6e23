// A product whose fee, rounded to the minor unit, takes the whole of its
// smallest loan cannot be saved (found by the security review): the
// rate x term check alone let 0.033332 a day over 30 days (99.996%) through,
// and a 100.00 loan then paid out 0.00 while 100.00 plus interest was owed.
import test from 'ava';
import { startServer } from '../helpers/server.ts';
import { staffClient } from '../helpers/staff.ts';

const ROUNDED_AWAY = {
  code: 'thin',
  name_en: 'Thin loan',
  name_es: 'Préstamo fino',
  min_amount: '100.00',
  max_amount: '4000.00',
  amount_step: '100.00',
  terms: '30',
  default_term: '30',
  loan_rate: '0.033332',
  repay_rate: '0.001',
  overdue_rate: '0.01',
  overdue_cap: '0.5',
  delay_max: '1',
  eligibility: 'everyone',
};

test('a fee that rounds up to the whole smallest loan is refused on its field, and nothing is created', async (t) => {
  const server = await startServer();
  t.teardown(() => server.close());
  const admin = await staffClient(server, 'admin');
  const res = await admin.c.postForm('/support/products', { _csrf: admin.token, ...ROUNDED_AWAY });
  t.is(res.status, 422, res.headers.get('location') ?? '');
  t.regex(res.text, /id="e-loan_rate"[^>]*>[^<]*the fee would take the whole amount/);
  t.is(Number((await server.db('products').where({ code: 'thin' }).count({ n: '*' }))[0]!.n), 0);
  // A larger smallest loan leaves the borrower something: the same rate is accepted.
  const ok = await admin.c.postForm('/support/products', { _csrf: admin.token, ...ROUNDED_AWAY, min_amount: '2000.00' });
  t.is(ok.status, 303);
});
