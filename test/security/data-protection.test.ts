import test from 'ava';
import { DEFAULT_DATA_KEY, loadConfig } from '../../src/config.ts';
import { lookupHash, needsReseal, seal, unseal } from '../../src/services/data-protection.ts';
import { resealStoredNumbers } from '../../src/services/reseal.ts';
import { makeBorrower } from '../helpers/factories.ts';
import { freshDatabase } from '../helpers/server.ts';

const k1 = `k1:${Buffer.alloc(32, 1).toString('base64')}`;
const k2 = `k2:${Buffer.alloc(32, 2).toString('base64')}`;

test('sealed values carry their key id, open after a rotation while the old key is listed, and never under another purpose', (t) => {
  const before = loadConfig({ NODE_ENV: 'test', DATA_KEY: k1 });
  const sealed = seal(before, 'national_id', 'HEGG560427MVZRRL04');
  t.regex(sealed, /^k1:/);
  t.false(sealed.includes('HEGG'));
  t.not(seal(before, 'national_id', 'HEGG560427MVZRRL04'), sealed, 'a fresh IV each time');
  const rotated = loadConfig({ NODE_ENV: 'test', DATA_KEY: `${k2},${k1}` });
  t.is(unseal(rotated, 'national_id', sealed), 'HEGG560427MVZRRL04');
  t.true(needsReseal(rotated, sealed));
  t.regex(seal(rotated, 'national_id', 'x'), /^k2:/);
  t.throws(() => unseal(rotated, 'bank_account', sealed), undefined, 'the purpose is authenticated');
  const dropped = loadConfig({ NODE_ENV: 'test', DATA_KEY: k2 });
  t.throws(() => unseal(dropped, 'national_id', sealed));
  const tampered = sealed.slice(0, -2) + (sealed.endsWith('A') ? 'BA' : 'AA');
  t.throws(() => unseal(before, 'national_id', tampered));
});

test('lookup hashes: equal for equal values under one DATA_HASH_KEY whatever DATA_KEY, different under another', (t) => {
  const a = loadConfig({ NODE_ENV: 'test', DATA_KEY: k1, DATA_HASH_KEY: 'h'.repeat(32) });
  const b = loadConfig({ NODE_ENV: 'test', DATA_KEY: k2, DATA_HASH_KEY: 'h'.repeat(32) });
  const c = loadConfig({ NODE_ENV: 'test', DATA_KEY: k1, DATA_HASH_KEY: 'i'.repeat(32) });
  t.is(lookupHash(a, 'bank_account', '002010077777777771'), lookupHash(b, 'bank_account', '002010077777777771'));
  t.not(lookupHash(a, 'bank_account', '002010077777777771'), lookupHash(c, 'bank_account', '002010077777777771'));
  t.not(lookupHash(a, 'bank_account', '1'), lookupHash(a, 'national_id', '1'));
});

test('DATA_KEY is validated and required in production', (t) => {
  t.throws(() => loadConfig({ NODE_ENV: 'test', DATA_KEY: 'k1:short' }), { message: /DATA_KEY/ });
  t.throws(() => loadConfig({ NODE_ENV: 'test', DATA_KEY: `${k1},${k1}` }), { message: /DATA_KEY/ });
  const prod = { NODE_ENV: 'production', SESSION_SECRET: 's'.repeat(32), PAYMENT_WEBHOOK_SECRET: 'w'.repeat(32), PAYMENT_GATEWAY: 'sandbox', KYC_PROVIDER: 'sandbox' };
  t.throws(() => loadConfig({ ...prod, DATA_HASH_KEY: 'h'.repeat(32) }), { message: /DATA_KEY must be set/ });
  t.throws(() => loadConfig({ ...prod, DATA_KEY: k1 }), { message: /DATA_HASH_KEY must be set/ });
  t.is(loadConfig({ ...prod, DATA_KEY: k1, DATA_HASH_KEY: 'h'.repeat(32) }).env, 'production');
  t.true(loadConfig({ NODE_ENV: 'test' }).kyc.required, 'KYC_REQUIRED is on by default');
});

test('after a rotation, data:reseal seals every stored number with the new key; the old key can then go', async (t) => {
  const { db, drop } = await freshDatabase();
  t.teardown(drop);
  const borrower = await makeBorrower(db);
  const dev = loadConfig({ NODE_ENV: 'test' });
  const rotated = loadConfig({ NODE_ENV: 'test', DATA_KEY: `${k2},${DEFAULT_DATA_KEY}` });
  t.deepEqual(await resealStoredNumbers(db, rotated), { identities: 1, accounts: 1 });
  t.deepEqual(await resealStoredNumbers(db, rotated), { identities: 0, accounts: 0 }, 'nothing left the second time');
  const onlyNew = loadConfig({ NODE_ENV: 'test', DATA_KEY: k2 });
  const identity = await db('identities').where({ borrower_id: borrower.id }).first();
  t.regex(identity.id_number_sealed, /^k2:/);
  t.is(unseal(onlyNew, 'national_id', identity.id_number_sealed), borrower.curp);
  const account = await db('bank_accounts').where({ borrower_id: borrower.id }).first();
  t.is(unseal(onlyNew, 'bank_account', account.number_sealed), borrower.clabe);
  t.is(identity.id_number_hash, lookupHash(dev, 'national_id', borrower.curp), 'lookup hashes do not move');
});
