// The markets' validators with known-good and known-bad numbers, and the profiles' data.
import test from 'ava';
import { MARKET_CODES, marketProfile } from '../../src/domain/markets/index.ts';
import { normalizeIndianPhone, normalizeNigerianPhone, normalizePhone } from '../../src/domain/phone.ts';
import { isValidAadhaar } from '../../src/domain/validators/aadhaar.ts';
import { isValidBvn } from '../../src/domain/validators/bvn.ts';
import { composeIndianAccount, ifscBankCode, isValidIfsc, isValidIndianAccount } from '../../src/domain/validators/ifsc.ts';
import { composeNigerianAccount, isValidNigerianAccount, isValidNuban, nubanCheckDigit } from '../../src/domain/validators/nuban.ts';
import { isPersonalPan, isValidPan } from '../../src/domain/validators/pan.ts';
import { verhoeffDigit, verhoeffValid } from '../../src/domain/validators/verhoeff.ts';
import { findEntry } from '../../src/data/dictionaries.ts';
import { localeTag } from '../../src/presenters/format.ts';

test('Verhoeff: the published example 236 → 2363, and every single-digit change or adjacent swap is caught', (t) => {
  t.is(verhoeffDigit('236'), 3);
  t.true(verhoeffValid('2363'));
  t.false(verhoeffValid('2364'));
  const good = '234123412346';
  t.true(verhoeffValid(good));
  for (let i = 0; i < good.length; i++) {
    for (let d = 0; d <= 9; d++) {
      if (String(d) === good[i]) continue;
      t.false(verhoeffValid(good.slice(0, i) + d + good.slice(i + 1)), `digit ${i} → ${d}`);
    }
    if (i + 1 < good.length && good[i] !== good[i + 1]) {
      t.false(verhoeffValid(good.slice(0, i) + good[i + 1] + good[i] + good.slice(i + 2)), `swap ${i}`);
    }
  }
  t.false(verhoeffValid('12a4'));
});

test('Aadhaar: 12 digits, not from 0 or 1, Verhoeff-checked; spaces allowed', (t) => {
  for (const good of ['234123412346', '2341 2341 2346', '499187654323', '555123409876']) t.true(isValidAadhaar(good), good);
  for (const bad of ['234123412345', '134123412346', '034123412340', '23412341234', '2341234123466', 'ABCD12341234']) t.false(isValidAadhaar(bad), bad);
});

test('PAN: 5 letters, 4 digits, a letter; the 4th letter a known holder kind, P for a borrower', (t) => {
  for (const good of ['ABCPE1234F', 'abcpe1234f', 'AAACB1234C']) t.true(isValidPan(good), good);
  for (const bad of ['ABCPE1234', 'ABCXE1234F', 'ABCP12345F', '1BCPE1234F', 'ABCPE12345']) t.false(isValidPan(bad), bad);
  t.true(isPersonalPan('ABCPD1234E'));
  t.false(isPersonalPan('AAACB1234C'), 'a company PAN is not a borrower');
});

test('IFSC: 4 letters, 0, 6 letters or digits; the account 9 to 18 digits after it', (t) => {
  for (const good of ['HDFC0000123', 'utib0000553', 'BARB0JAIPUR']) t.true(isValidIfsc(good), good);
  for (const bad of ['HDFC1000123', 'HDF00000123', 'HDFC000012', 'HDFC00001234', 'HDFC0-00123']) t.false(isValidIfsc(bad), bad);
  t.is(ifscBankCode('utib0000553'), 'UTIB');
  t.is(composeIndianAccount('hdfc0000123', '5010 0012 345678'), 'HDFC000012350100012345678');
  t.true(isValidIndianAccount('HDFC000012350100012345678'));
  t.false(isValidIndianAccount('HDFC00001235010'), 'an account of 4 digits');
  t.false(isValidIndianAccount('HDFC1000123501000123'), 'a malformed IFSC');
});

test('NUBAN: 10 digits whose last checks the bank code and serial (weights 3,7,3)', (t) => {
  // Credit Pocket's example account at GT Bank (058).
  t.true(isValidNuban('058', '0163505447'));
  t.is(nubanCheckDigit('058', '016350544'), 7);
  t.false(isValidNuban('058', '0163505446'), 'wrong check digit');
  t.false(isValidNuban('044', '0163505447'), 'same number, another bank');
  t.false(isValidNuban('058', '016350544'), 'nine digits');
  t.false(isValidNuban('58', '0163505447'), 'a two-digit bank code');
  t.is(composeNigerianAccount('058', '0123 456 785'), '0580123456785');
  t.true(isValidNigerianAccount('0580123456785'));
  t.false(isValidNigerianAccount('0570123456785'));
});

test('BVN: 11 digits', (t) => {
  t.true(isValidBvn('22167288734'));
  t.true(isValidBvn('221 6728 8734'));
  for (const bad of ['2216728873', '221672887345', '2216728873A']) t.false(isValidBvn(bad), bad);
});

test('phones: Mexico as before; India 10 digits from 6 to 9; Nigeria 0 and 10 digits, or 234', (t) => {
  t.is(normalizePhone('+52 (55) 1111-2222'), '+525511112222');
  t.is(marketProfile('mx').phone.normalize('5512345678'), '5512345678');
  t.is(normalizeIndianPhone('9876543210'), '9876543210');
  t.is(normalizeIndianPhone('+91 98765 43210'), '9876543210');
  t.is(normalizeIndianPhone('09876543210'), '9876543210');
  for (const bad of ['5876543210', '987654321', '98765432101', '+1 9876543210']) t.is(normalizeIndianPhone(bad), null, bad);
  t.is(normalizeNigerianPhone('08031234567'), '08031234567');
  t.is(normalizeNigerianPhone('8031234567'), '08031234567');
  t.is(normalizeNigerianPhone('+234 803 123 4567'), '08031234567');
  t.is(normalizeNigerianPhone('2348031234567'), '08031234567');
  for (const bad of ['0803123456', '18031234567', '+18031234567', '06031234567', '+8031234567']) t.is(normalizeNigerianPhone(bad), null, bad);
});

test('profiles: currency, minor unit, languages, locale tags and dictionaries per market', (t) => {
  t.deepEqual(
    MARKET_CODES.map((m) => [m, marketProfile(m).currency, marketProfile(m).minorUnit, [...marketProfile(m).languages]]),
    [
      ['mx', 'MXN', 2, ['es', 'en']],
      ['in', 'INR', 2, ['hi', 'en']],
      ['ng', 'NGN', 2, ['en']],
    ],
  );
  t.is(localeTag('hi', 'in'), 'hi-IN');
  t.is(localeTag('en', 'in'), 'en-IN');
  t.is(localeTag('en', 'ng'), 'en-NG');
  t.is(localeTag('es', 'mx'), 'es-MX');
  for (const m of MARKET_CODES) {
    const p = marketProfile(m);
    t.true(p.languages.includes(p.defaultLanguage), m);
    // The collection account is a valid account of the market's own rule, at a bank the dictionary knows.
    t.truthy(findEntry(m, 'en', 'BANK', p.collection.bankCode), `${m} collecting bank`);
  }
  t.true(isValidNuban('035', marketProfile('ng').collection.reference('123456789')));
  t.regex(marketProfile('mx').collection.reference('12345678901'), /^646180\d{12}$/);
  // The IFSC→branch sample names the spec's branches and the demo borrower's.
  for (const ifsc of ['UTIB0000553', 'UTIB0010553', 'HDFC0000123', 'ICIC0000104']) t.truthy(findEntry('in', 'hi', 'IFSC_BRANCH', ifsc), ifsc);
  t.is(findEntry('ng', 'en', 'BANK', '058')?.value, 'GT Bank');
});
