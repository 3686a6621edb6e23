import test from 'ava';
import { formatters, RATE_SHOWN_MAX } from '../../src/presenters/format.ts';

const config = { currency: 'MXN', timeZone: 'America/Mexico_City' };

test('yearly rates read as a borrower can: a decimal below 1,000 %, whole percents above, a bound past 1,000,000 %', (t) => {
  const en = formatters('en', config);
  t.deepEqual(en.rate(0.884), { over: false, text: '88.4%' });
  t.deepEqual(en.rate(9.994), { over: false, text: '999.4%' });
  t.deepEqual(en.rate(32.1456), { over: false, text: '3,215%' });
  t.deepEqual(en.rate(RATE_SHOWN_MAX - 0.01), { over: false, text: '999,999%' });
  t.deepEqual(en.rate(10_296_210_987.188), { over: true, text: '1,000,000%' });
  const es = formatters('es', config);
  t.true(es.rate(10_296_210_987.188).over);
  t.regex(es.rate(32.1456).text, /^3,215\s?%$/);
});
