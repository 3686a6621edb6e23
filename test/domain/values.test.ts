import test from 'ava';
import { formatPlain, formatShort, parseMoney } from '../../src/domain/money.ts';
import { normalizePhone } from '../../src/domain/phone.ts';
import { formatRate, parseRatePpm } from '../../src/domain/rates.ts';
import { fromAcceptLanguage } from '../../src/i18n.ts';
import { lockedForSeconds } from '../../src/services/auth.ts';

test('parseMoney reads plain decimal amounts into minor units', (t) => {
  t.is(parseMoney('5000'), 500_000);
  t.is(parseMoney('5000.5'), 500_050);
  t.is(parseMoney('5000.05'), 500_005);
  t.is(parseMoney(' 0.01 '), 1);
  t.is(parseMoney('0'), 0);
});

test('parseMoney refuses everything that is not a plain amount', (t) => {
  for (const bad of ['-5', '+5', '1e309', '100.005', '9007199254740993', '', '.5', '5.', '05', '1,000', 'NaN', 'Infinity', '0x10']) {
    t.is(parseMoney(bad), null, bad);
  }
});

test('amounts format the way the spec shows them', (t) => {
  t.is(formatPlain(500_000), '5000.00');
  t.is(formatPlain(25_200), '252.00');
  t.is(formatPlain(5), '0.05');
  t.is(formatPlain(-150), '-1.50');
  t.is(formatShort(500_000), '5000');
  t.is(formatShort(500_050), '5000.50');
});

test('rates are integers in parts per million and print as the spec does', (t) => {
  t.is(parseRatePpm('0.043'), 43_000);
  t.is(parseRatePpm('0.0072'), 7_200);
  t.is(parseRatePpm('0.02'), 20_000);
  t.is(parseRatePpm('1'), 1_000_000);
  t.is(parseRatePpm('0.0000001'), null);
  t.is(parseRatePpm('-0.1'), null);
  t.is(formatRate(43_000), '0.043');
  t.is(formatRate(7_200), '0.0072');
  t.is(formatRate(2_000_000), '2');
});

test('phones normalise to digits with an optional leading +', (t) => {
  t.is(normalizePhone('9680304707'), '9680304707');
  t.is(normalizePhone(' +52 (55) 1234-5678 '), '+525512345678');
  t.is(normalizePhone('55.1234.5678'), '5512345678');
  t.is(normalizePhone('12345'), null);
  t.is(normalizePhone('1234567890123456'), null);
  t.is(normalizePhone('<script>'), null);
  t.is(normalizePhone('55+1234'), null);
});

test('a lock lasts until enough failures leave the window', (t) => {
  const window = 15 * 60_000;
  t.is(lockedForSeconds([1, 2, 3, 4], 5, window, 10), 0);
  t.is(lockedForSeconds([0, 1000, 2000, 3000, 4000], 5, window, 60_000), 14 * 60);
  // With six failures, the second-oldest decides.
  t.is(lockedForSeconds([0, 120_000, 130_000, 140_000, 150_000, 160_000], 5, window, 60_000), 16 * 60);
  t.is(lockedForSeconds([0, 1, 2, 3, 4], 5, window, window + 4), 1, 'never says 0 while locked');
});

test('Accept-Language picks the best supported language by quality', (t) => {
  t.is(fromAcceptLanguage('es-MX,es;q=0.9,en;q=0.8'), 'es');
  t.is(fromAcceptLanguage('fr-FR,fr;q=0.9,en;q=0.5,es;q=0.7'), 'es');
  t.is(fromAcceptLanguage('en-US'), 'en');
  t.is(fromAcceptLanguage('es;q=0,en;q=0.1'), 'en');
  t.is(fromAcceptLanguage('de'), undefined);
  t.is(fromAcceptLanguage(undefined), undefined);
});
