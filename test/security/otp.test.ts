import test from 'ava';
import pino from 'pino';
import { MovableClock } from '../../src/clock.ts';
import { type Config, loadConfig } from '../../src/config.ts';
import type { Db } from '../../src/data/db.ts';
import { AppError } from '../../src/errors.ts';
import { CODE_TTL_MS, hashCode, MAX_TRIES, RESEND_GAP_MS, requestCode, useVerifiedCode, verifyCode } from '../../src/services/otp.ts';
import { LogSmsSender } from '../../src/services/sms/log.ts';
import { freshDatabase } from '../helpers/server.ts';

// The code lifecycle against the service and a real database, time moved with the injected clock.
let db: Db;
let drop: () => Promise<void>;
const config: Readonly<Config> = loadConfig({ NODE_ENV: 'test' });
const clock = new MovableClock(new Date('2026-03-02T16:00:00Z'));
const sms = new LogSmsSender(pino({ level: 'silent' }), () => clock.now().getTime());
let n = 0;
const phone = () => `57${String(++n).padStart(8, '0')}`;

test.before(async () => {
  ({ db, drop } = await freshDatabase());
});
test.after.always(() => drop?.());

const ask = (p: string, purpose: 'register' | 'reset' = 'register', address = `10.0.0.${n}`) =>
  requestCode(db, clock, config, sms, { phone: p, purpose, address, text: (code) => `code ${code}` });
const sentCode = (p: string) => /code (\d{6})/.exec(sms.outbox(p)[0]!.text)![1]!;
const verify = (p: string, code: string, purpose: 'register' | 'reset' = 'register') => verifyCode(db, clock, config, { phone: p, purpose, code });
const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

async function refusal(t: import('ava').ExecutionContext, promise: Promise<unknown>): Promise<AppError> {
  const err = await t.throwsAsync(promise, { instanceOf: AppError });
  return err as AppError;
}

test.serial('a code is six random digits, stored only as its keyed hash, and works once verified', async (t) => {
  const p = phone();
  const issued = await ask(p);
  const code = sentCode(p);
  t.regex(code, /^\d{6}$/);
  const row = await db('one_time_codes').where({ id: issued.id }).first();
  t.is(row.code_hash, hashCode(config.session.secret, p, 'register', code));
  t.false(JSON.stringify(row).includes(code), 'the code itself is nowhere in the row');
  t.is(issued.expiresAt - clock.now().getTime(), CODE_TTL_MS);
  t.is(await verify(p, code), issued.id);
  await db.transaction((trx) => useVerifiedCode(trx, clock, issued.id));
  const again = await refusal(t, db.transaction((trx) => useVerifiedCode(trx, clock, issued.id)));
  t.is(again.key, 'errors.code_expired', 'a code is used once');
  t.is((await refusal(t, verify(p, code))).key, 'errors.code_expired');
  t.not(hashCode('another-secret-value', p, 'register', code), row.code_hash, 'the hash is keyed');
});

test.serial('a code expires after five minutes', async (t) => {
  const p = phone();
  await ask(p);
  const code = sentCode(p);
  clock.advance(CODE_TTL_MS);
  t.is((await refusal(t, verify(p, code))).key, 'errors.code_expired');
});

test.serial('five wrong tries kill the code, even for the right one afterwards; four do not', async (t) => {
  const p = phone();
  await ask(p);
  const code = sentCode(p);
  for (let i = 0; i < MAX_TRIES; i++) t.is((await refusal(t, verify(p, wrong(code)))).key, 'errors.code_wrong');
  t.is((await refusal(t, verify(p, code))).key, 'errors.code_expired');

  const q = phone();
  await ask(q);
  const other = sentCode(q);
  for (let i = 0; i < MAX_TRIES - 1; i++) await refusal(t, verify(q, wrong(other)));
  t.truthy(await verify(q, other));
});

test.serial('a new code waits 60 s and replaces the old one', async (t) => {
  const p = phone();
  await ask(p);
  const first = sentCode(p);
  clock.advance(RESEND_GAP_MS - 1000);
  const early = await refusal(t, ask(p));
  t.is(early.status, 429);
  t.is(early.options.headers?.['Retry-After'], '1');
  clock.advance(1000);
  await ask(p);
  const second = sentCode(p);
  if (second !== first) t.is((await refusal(t, verify(p, first))).key, 'errors.code_wrong');
  t.truthy(await verify(p, second));
  const live = await db('one_time_codes').where({ phone: p }).whereNull('superseded_at');
  t.is(live.length, 1, 'one live code per phone and purpose');
});

test.serial('at most 5 codes per phone per hour, then 429 until the oldest leaves the hour', async (t) => {
  const p = phone();
  for (let i = 0; i < 5; i++) {
    await ask(p, 'register', `10.1.0.${i}`);
    clock.advance(RESEND_GAP_MS);
  }
  const refused = await refusal(t, ask(p, 'reset', '10.1.0.9'));
  t.is(refused.status, 429, 'the cap counts every purpose and address');
  t.is(Number(refused.options.headers?.['Retry-After']), 3600 - 5 * 60);
  t.is(refused.key, 'errors.code_wait_minutes');
  clock.advance((3600 - 5 * 60) * 1000);
  t.truthy(await ask(p, 'reset', '10.1.0.9'));
});

test.serial('at most 20 codes per address per hour', async (t) => {
  const address = '10.2.0.1';
  for (let i = 0; i < 20; i++) await ask(phone(), 'register', address);
  const refused = await refusal(t, ask(phone(), 'register', address));
  t.is(refused.status, 429);
  t.truthy(refused.options.headers?.['Retry-After']);
  t.truthy(await ask(phone(), 'register', '10.2.0.2'), 'another address is not affected');
  clock.advance(3_600_000);
});

test.serial('purposes are isolated: a sign-up code does not reset, and each purpose has its own live code', async (t) => {
  const p = phone();
  await ask(p, 'register');
  const register = sentCode(p);
  await ask(p, 'reset');
  const reset = sentCode(p);
  t.is((await refusal(t, verify(p, register, 'reset'))).key, register === reset ? 'errors.code_expired' : 'errors.code_wrong');
  t.truthy(await verify(p, register, 'register'), 'the reset code did not replace the sign-up code');
  t.truthy(await verify(p, reset, 'reset'));
});

test.serial('a burst of parallel requests for one phone issues one code', async (t) => {
  const p = phone();
  const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => ask(p, 'register', `10.3.0.${i}`)));
  t.is(results.filter((r) => r.status === 'fulfilled').length, 1);
  t.is(await db('one_time_codes').where({ phone: p }).count<{ n: number }[]>({ n: '*' }).first().then((r) => Number(r!.n)), 1);
});
