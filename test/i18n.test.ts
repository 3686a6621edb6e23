import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { MARKET_CODES, marketProfile } from '../src/domain/markets/index.ts';
import { createI18n, LANGUAGES, loadResources } from '../src/i18n.ts';
import { flattenKeys, missingKeys, parityProblems, usedKeys } from './helpers/i18n-keys.ts';

const resources = loadResources();
const namespaces = Object.keys(resources.en!);

// Each market's languages: its own wording (`key@in`) must exist in those and only those.
const marketLanguages = Object.fromEntries(MARKET_CODES.map((m) => [m, marketProfile(m).languages]));

test('every key exists in every language (a market\'s own wording in every language of that market)', (t) => {
  t.deepEqual(Object.keys(resources).sort(), [...LANGUAGES].sort());
  t.deepEqual(parityProblems(resources, marketLanguages), []);
  for (const m of MARKET_CODES) for (const lang of marketProfile(m).languages) t.true((LANGUAGES as readonly string[]).includes(lang), `${m}: ${lang}`);
});

test('Hindi is Hindi: every string has Devanagari, except names and codes that stay as they are', (t) => {
  const SAME_IN_EVERY_SCRIPT = new Set(['common.app_name', 'common.language_en', 'common.language_es', 'identity.id_curp', 'identity.id_rfc', 'pay.ifsc', 'proof.utr_short', 'receipt.pdf', 'support.audit_value.pdf']);
  const hi = resources.hi!;
  const latinOnly = flattenKeys(hi).filter((k) => !/[\u0900-\u097F]/.test(k.split('.').reduce<any>((o, p) => o[p], hi)));
  t.deepEqual(latinOnly.filter((k) => !SAME_IN_EVERY_SCRIPT.has(k)), []);
});

test('no translation is empty', (t) => {
  for (const [lang, tree] of Object.entries(resources)) {
    const leaves = flattenKeys(tree).map((k) => [k, k.split('.').reduce<any>((o, p) => o[p], tree)] as const);
    t.deepEqual(leaves.filter(([, v]) => typeof v !== 'string' || !v.trim()).map(([k]) => `${lang}: ${k}`), []);
  }
});

test('every key a template or the code uses exists', (t) => {
  const keys = new Set(flattenKeys(resources.en!));
  t.deepEqual(missingKeys(['views'], ['.njk'], keys, namespaces), []);
  t.deepEqual(missingKeys(['src'], ['.ts'], keys, namespaces), []);
});

test('the checks catch a missing key in a language and in a template', (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cuota-i18n-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  for (const lang of LANGUAGES) fs.mkdirSync(path.join(dir, lang));
  fs.writeFileSync(path.join(dir, 'en', 'home.json'), '{"a":"A","b":"B"}');
  fs.writeFileSync(path.join(dir, 'es', 'home.json'), '{"a":"A"}');
  fs.writeFileSync(path.join(dir, 'hi', 'home.json'), '{"a":"A","b":"B"}');
  t.deepEqual(parityProblems(loadResources(dir)), ['es: home.b']);
  fs.writeFileSync(path.join(dir, 'en', 'home.json'), '{"a":"A","a@in":"AI"}');
  fs.writeFileSync(path.join(dir, 'es', 'home.json'), '{"a":"A","a@in":"AI"}');
  fs.writeFileSync(path.join(dir, 'hi', 'home.json'), '{"a":"A"}');
  t.deepEqual(parityProblems(loadResources(dir), { in: ['hi', 'en'] }), ['es: home.a@in (not a language of that market)', 'hi: home.a@in']);
  fs.writeFileSync(path.join(dir, 'page.njk'), "{{ t('home.a') }} {{ t('home.c') }} {{ t('home.a' + x) }}");
  t.deepEqual(missingKeys([dir], ['.njk'], new Set(['home.a']), ['home']), [
    `${path.relative(process.cwd(), path.join(dir, 'page.njk'))}: home.c`,
  ]);
  t.deepEqual(usedKeys("throw x('errors.nope')", ['errors']), ['errors.nope']);
});

test('a remembered plain string never stands in for an interpolated one', async (t) => {
  const i18n = await createI18n('es');
  const en = i18n.t('en');
  t.is(en('common.signed_in_as'), 'Signed in as {{phone}}');
  t.is(en('common.signed_in_as'), 'Signed in as {{phone}}');
  t.is(en('common.signed_in_as', { phone: '55****5678' }), 'Signed in as 55****5678');
  t.is(en('common.signed_in_as', { phone: '55****0000' }), 'Signed in as 55****0000');
  t.is(en('common.signed_in_as', { phone: '55****5678' }), 'Signed in as 55****5678');
  t.is(i18n.t('es')('common.signed_in_as', { phone: '1' }), 'Sesión iniciada como 1');
  t.is(en('no.such.key'), 'no.such.key');
});
