import test from 'ava';
import { ageOn, identityFlags, nextStepStatus, progress, REJECT_REASONS, sameName } from '../../src/domain/kyc.ts';
import { marketProfile } from '../../src/domain/markets/index.ts';
import { clabeBankCode, isValidClabe } from '../../src/domain/validators/clabe.ts';
import { curpBirthDate, isValidCurp } from '../../src/domain/validators/curp.ts';
import { isValidRfc } from '../../src/domain/validators/rfc.ts';
import { dictionary, entries, findEntry, listKey } from '../../src/data/dictionaries.ts';

test('CURP: real ones pass, a wrong check digit, state, date or shape fails', (t) => {
  for (const ok of ['HEGG560427MVZRRL04', 'MAHJ280603MSPRRV09', 'DEMO900101HDFRRN07', ' hegg560427mvzrrl04 ']) t.true(isValidCurp(ok), ok);
  t.false(isValidCurp('HEGG560427MVZRRL05'), 'check digit off by one');
  t.false(isValidCurp('HEGG560427MXXRRL04'), 'unknown state');
  t.false(isValidCurp('HEGG561327MVZRRL04'), 'month 13');
  t.false(isValidCurp('HEGG560230MVZRRL04'), '30 February');
  t.false(isValidCurp('HEGG560427MVZRRL0'), 'too short');
  t.false(isValidCurp('HEGG560427MVZAEL04'), 'vowels where consonants go');
  t.false(isValidCurp(''));
  t.is(curpBirthDate('HEGG560427MVZRRL04'), '1956-04-27');
});

test('CLABE: real ones pass with their bank, a wrong check digit or length fails', (t) => {
  t.true(isValidClabe('002010077777777771'));
  t.true(isValidClabe('032180000118359719'));
  t.true(isValidClabe('002 010 07777777777 1'), 'spaces people type are ignored');
  t.false(isValidClabe('002010077777777772'), 'check digit off by one');
  t.false(isValidClabe('00201007777777777'), '17 digits');
  t.false(isValidClabe('0020100777777777710'), '19 digits');
  t.false(isValidClabe('00201007777777777A'));
  t.is(clabeBankCode('002010077777777771'), '002');
});

test('RFC: a real one passes, a wrong check character or date fails', (t) => {
  t.true(isValidRfc('GODE561231GR8'));
  t.false(isValidRfc('GODE561231GR9'));
  t.false(isValidRfc('GODE561331GR8'));
  t.false(isValidRfc('GODE561231'));
});

test('the step state machine: submit, verify, reject, resubmit; a verified identity is locked', (t) => {
  t.is(nextStepStatus('personal', 'not_started', 'submit'), 'submitted');
  t.is(nextStepStatus('personal', 'submitted', 'verify'), 'verified');
  t.is(nextStepStatus('documents', 'submitted', 'reject'), 'rejected');
  t.is(nextStepStatus('documents', 'rejected', 'submit'), 'submitted');
  t.is(nextStepStatus('personal', 'verified', 'submit'), null, 'a verified identity cannot be changed by the borrower');
  t.is(nextStepStatus('documents', 'verified', 'submit'), null);
  t.is(nextStepStatus('address', 'verified', 'submit'), 'submitted', 'an address can move');
  t.is(nextStepStatus('personal', 'not_started', 'verify'), null, 'nothing is verified unseen');
  t.is(nextStepStatus('personal', 'rejected', 'reject'), null);
  t.is(nextStepStatus('personal', 'verified', 'reject'), null);
  for (const steps of Object.values(REJECT_REASONS)) t.true(steps.length > 0);
  const p = progress([
    { step: 'personal', status: 'verified' },
    { step: 'address', status: 'verified' },
    { step: 'work', status: 'rejected' },
    { step: 'documents', status: 'submitted' },
    { step: 'bank', status: 'verified' },
  ]);
  t.deepEqual(p, { done: 3, total: 5, missing: 'work' });
});

test('age, names and flags', (t) => {
  t.is(ageOn('2008-03-03', '2026-03-02'), 17);
  t.is(ageOn('2008-03-02', '2026-03-02'), 18);
  t.true(sameName('María José Hernández García', 'HERNANDEZ GARCIA MARIA JOSE'));
  t.false(sameName('María José Hernández', 'María Hernández'));
  t.false(sameName('', ''));
  const declared = { name: 'Ana López', idNumber: 'HEGG560427MVZRRL04' };
  t.deepEqual(identityFlags(declared, { name: 'ANA LOPEZ', idNumber: 'HEGG560427MVZRRL04' }, 90, 80), []);
  t.deepEqual(identityFlags(declared, { name: 'OTRA', idNumber: 'MAHJ280603MSPRRV09' }, 50, 80), ['name_mismatch', 'id_mismatch', 'face_low']);
  t.deepEqual(identityFlags(declared, { name: null, idNumber: null }, 90, 80), ['unreadable']);
});

test('the Mexican profile is data: its rules answer through the profile', (t) => {
  const mx = marketProfile('mx');
  t.true(Object.isFrozen(mx));
  t.true(mx.nationalId.isValid('HEGG560427MVZRRL04'));
  t.true(mx.account.isValid('002010077777777771'));
  t.is(mx.account.bankCode('002010077777777771'), '002');
  t.deepEqual([...mx.steps], ['personal', 'address', 'work', 'documents', 'bank']);
  t.throws(() => marketProfile('zz'));
});

test('dictionaries: the same codes in every language, cities inside known states, banks by code', (t) => {
  const en = dictionary('mx', 'en');
  const es = dictionary('mx', 'es');
  t.is(en.version, es.version);
  t.is(en.version, marketProfile('mx').dictionaryVersion);
  t.deepEqual(Object.keys(en.types), Object.keys(es.types));
  for (const type of Object.keys(en.types)) {
    t.deepEqual(en.types[type]!.map((e) => e.code), es.types[type]!.map((e) => e.code), type);
  }
  const states = new Set(entries('mx', 'en', 'STATE').map((s) => s.code));
  t.is(states.size, 32);
  for (const city of entries('mx', 'es', 'CITY')) t.true(states.has(city.parent!), city.code);
  for (const bank of entries('mx', 'en', 'BANK')) t.regex(bank.code, /^\d{3}$/);
  t.is(findEntry('mx', 'es', 'BANK', '012')?.value, 'BBVA MEXICO');
  t.is(findEntry('mx', 'es', 'EMPLOYMENT_TYPE', 'employed')?.value, 'Empleado con sueldo');
  t.is(listKey('SALARY_RANGE'), 'salaryRangeList');
});
