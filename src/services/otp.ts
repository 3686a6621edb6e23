import crypto from 'node:crypto';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Db, Executor } from '../data/db.ts';
import {
  type CodePurpose,
  claimTry,
  codeTimesSince,
  consumeVerifiedCode,
  insertCode,
  latestCode,
  lockCodeRequestKeys,
  markVerified,
  supersedeCodes,
} from '../data/repositories/one-time-codes.ts';
import { AppError, invalidInput } from '../errors.ts';
import { SmsError, type SmsSender } from './sms/sender.ts';

export type { CodePurpose } from '../data/repositories/one-time-codes.ts';
export const CODE_PURPOSES: readonly CodePurpose[] = ['register', 'reset', 'esign', 'login'];

/** A code lives this long. */
export const CODE_TTL_MS = 5 * 60_000;
/** Wrong tries before a code is dead. */
export const MAX_TRIES = 5;
/** A new code for the same phone and purpose no sooner than this after the last. */
export const RESEND_GAP_MS = 60_000;
const HOUR_MS = 3_600_000;

/** Asked for a code too soon or too often: 429 with Retry-After. */
export function codeRequestRefused(seconds: number): AppError {
  const wait = Math.max(1, Math.ceil(seconds));
  return wait < 120
    ? new AppError(429, 'too_many_codes', 'errors.code_wait_seconds', { params: { seconds: wait }, headers: { 'Retry-After': String(wait) } })
    : new AppError(429, 'too_many_codes', 'errors.code_wait_minutes', {
        params: { minutes: Math.ceil(wait / 60) },
        headers: { 'Retry-After': String(wait) },
      });
}

const codeWrong = () => invalidInput({ code: 'errors.code_wrong' });
const codeDead = () => invalidInput({ code: 'errors.code_expired' });
/** The message could not be handed to the provider (503): try again shortly. */
const smsFailed = () => new AppError(503, 'sms_failed', 'errors.sms_failed');

/** Six digits from the CSPRNG. */
export function generateCode(): string {
  return String(crypto.randomInt(0, 1_000_000)).padStart(6, '0');
}

const keys = new Map<string, Buffer>();

/** The keyed hash stored for a code: HMAC-SHA256 under a key derived from SESSION_SECRET. */
export function hashCode(secret: string, phone: string, purpose: CodePurpose, code: string): string {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.createHmac('sha256', secret).update('cuota/one-time-codes/v1').digest();
    keys.set(secret, key);
  }
  return crypto.createHmac('sha256', key).update(`${purpose}\u0000${phone}\u0000${code}`).digest('hex');
}

/** Seconds until fewer than `max` of `times` (oldest first) remain inside the hour, or 0. */
function hourlyWait(times: number[], max: number, now: number): number {
  if (times.length < max) return 0;
  return (times[times.length - max]! + HOUR_MS - now) / 1000;
}

export interface CodeRequest {
  phone: string;
  purpose: CodePurpose;
  address: string;
  /** The message for this code (the caller words it: a code, or "you already have an account"). */
  text: (code: string) => string;
}

export interface IssuedCode {
  id: number;
  expiresAt: number;
  /** When the next code for this phone and purpose may be asked for. */
  resendAt: number;
}

/**
 * Issues a code and sends its message. The limits (60 s between codes for a
 * phone and purpose, per-phone and per-address hourly caps) are counted inside
 * one transaction holding locks on the phone's and the address's rows, so
 * parallel requests are counted one after another. The previous open code for
 * the phone and purpose stops working.
 */
export async function requestCode(
  db: Db,
  clock: Clock,
  config: Pick<Config, 'otp' | 'session'>,
  sms: SmsSender,
  request: CodeRequest,
): Promise<IssuedCode> {
  const code = generateCode();
  const issued = await db.transaction(async (trx) => {
    await lockCodeRequestKeys(trx, [`phone:${request.phone}`, `address:${request.address}`.slice(0, 80)]);
    const now = clock.now().getTime();
    const last = await latestCode(trx, request.phone, request.purpose);
    let wait = last ? (last.created_at + RESEND_GAP_MS - now) / 1000 : 0;
    const since = now - HOUR_MS;
    const [byPhone, byAddress] = await Promise.all([
      codeTimesSince(trx, 'phone', request.phone, since),
      codeTimesSince(trx, 'address', request.address, since),
    ]);
    wait = Math.max(wait, hourlyWait(byPhone, config.otp.perPhoneHour, now), hourlyWait(byAddress, config.otp.perAddressHour, now));
    if (wait > 0) throw codeRequestRefused(wait);
    await supersedeCodes(trx, request.phone, request.purpose, now);
    const id = await insertCode(trx, {
      phone: request.phone,
      purpose: request.purpose,
      code_hash: hashCode(config.session.secret, request.phone, request.purpose, code),
      address: request.address.slice(0, 64),
      created_at: now,
      expires_at: now + CODE_TTL_MS,
    });
    return { id, expiresAt: now + CODE_TTL_MS, resendAt: now + RESEND_GAP_MS };
  });
  // Sent after the commit: the locks are not held across the provider's network call.
  try {
    await sms.send({ to: request.phone, purpose: request.purpose, text: request.text(code) });
  } catch (err) {
    if (err instanceof SmsError) throw smsFailed();
    throw err;
  }
  return issued;
}

/**
 * Checks a code for a phone and purpose. Each check claims one try with a
 * conditional update before comparing (so a burst cannot exceed MAX_TRIES);
 * a correct code gives its try back and is marked verified, and can then be
 * used once (useVerifiedCode). Answers the code's id.
 */
export async function verifyCode(
  db: Executor,
  clock: Clock,
  config: Pick<Config, 'session'>,
  attempt: { phone: string; purpose: CodePurpose; code: string },
): Promise<number> {
  const now = clock.now().getTime();
  const live = await latestCode(db, attempt.phone, attempt.purpose);
  if (!live || live.superseded_at !== null || live.consumed_at !== null || live.expires_at <= now) throw codeDead();
  if (!(await claimTry(db, live.id, MAX_TRIES, now))) throw codeDead();
  const expected = Buffer.from(live.code_hash, 'hex');
  const actual = Buffer.from(hashCode(config.session.secret, attempt.phone, attempt.purpose, attempt.code), 'hex');
  if (expected.length !== actual.length || !crypto.timingSafeEqual(expected, actual)) throw codeWrong();
  await markVerified(db, live.id, now);
  return live.id;
}

/** Uses a verified code once (inside the caller's transaction); refuses one used, replaced or expired. */
export async function useVerifiedCode(trx: Executor, clock: Clock, id: number): Promise<void> {
  if (!(await consumeVerifiedCode(trx, id, clock.now().getTime()))) throw codeDead();
}
