import test from 'ava';
import { formatters, RATE_SHOWN_MAX } from '../../src/presenters/format.ts';
import { groupClabe, paymentDeadline, presentChooserDeadlines } from '../../src/presenters/payments.ts';
import { referenceExpiry } from '../../src/domain/references.ts';
import { onceClosed } from '../../src/domain/bill.ts';

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

test('a CLABE reads 3-3-11-1; the payment page has one deadline, the earlier one', (t) => {
  t.is(groupClabe('646180471373622620'), '646 180 47137362262 0');
  t.is(groupClabe('1234'), '1234');
  t.deepEqual(paymentDeadline(1_000, 5_000), { deadline: 1_000, renewUntil: 5_000 });
  t.deepEqual(paymentDeadline(5_000, 1_000), { deadline: 1_000, renewUntil: null });
});

test('a reference ends on a whole minute, never past its link; the chooser shows one deadline when both methods agree', (t) => {
  const H = 3_600_000;
  t.is(referenceExpiry(1_000_059_999, 24 * H, 1_000 * H), 1_000_020_000 + 24 * H);
  t.is(referenceExpiry(1_000_000_000, 24 * H, 1_000_000_000 + H), 1_000_000_000 + H);
  t.deepEqual(presentChooserDeadlines({ 1: 60_000, 2: 60_000 }, 120_000), { deadline: 60_000, methodDeadlines: { 1: 60_000, 2: 60_000 }, renewUntil: 120_000 });
  t.deepEqual(presentChooserDeadlines({ 1: 60_000, 2: 180_000 }, 120_000), { deadline: null, methodDeadlines: { 1: 60_000, 2: 120_000 }, renewUntil: null });
});

test('a closed bill turns what still waited to pay it into "no longer needed", and nothing else', (t) => {
  t.is(onceClosed('pending', true), 'not_needed');
  t.is(onceClosed('pending', false), 'pending');
  t.is(onceClosed('paid', true), 'paid');
  t.is(onceClosed('approved', true), 'approved');
});

test('remembered formatting gives what Intl gives, for the same value asked again and past the memory bound', (t) => {
  const fmt = formatters('es', { currency: 'MXN', timeZone: 'America/Mexico_City' });
  const money = new Intl.NumberFormat('es-MX', { style: 'currency', currency: 'MXN' });
  const days = new Intl.DateTimeFormat('es-MX', { dateStyle: 'medium', timeZone: 'UTC' });
  // 10,000 distinct amounts (more than the formatter keeps), each asked twice, and the first again at the end.
  for (let round = 0; round < 2; round++) {
    for (let minor = 0; minor < 10_000; minor += 1) t.is(fmt.money(minor * 7), money.format((minor * 7) / 100));
  }
  t.is(fmt.money(0), money.format(0));
  t.is(fmt.money('1234.50'), money.format(1234.5));
  t.is(fmt.money('not money'), 'not money');
  t.is(fmt.day('2026-12-02'), days.format(new Date('2026-12-02T00:00:00Z')));
  t.is(fmt.day('2026-12-02'), days.format(new Date('2026-12-02T00:00:00Z')));
  const instants = new Intl.DateTimeFormat('es-MX', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'America/Mexico_City' });
  t.is(fmt.dateTime(1_796_191_200_000), instants.format(1_796_191_200_000));
  t.is(fmt.dateTime(1_796_191_200_000), instants.format(1_796_191_200_000));
  // -0 is 0 to a Map but not to Intl: it is never remembered in 0's place.
  t.is(fmt.money(-0), money.format(-0));
  t.is(fmt.money(0), money.format(0));
  t.not(fmt.money(0), fmt.money(-0));
});
