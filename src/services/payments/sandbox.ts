import crypto from 'node:crypto';
import type { Clock } from '../../clock.ts';
import type { Db } from '../../data/db.ts';
import { findReference } from '../../data/repositories/payments.ts';
import { type Collection, marketProfile } from '../../domain/markets/index.ts';
import { formatPlain, parseMoney } from '../../domain/money.ts';
import {
  type Gateway,
  type IssuedReference,
  NotificationError,
  type ReferenceRequest,
  type VerifiedNotification,
} from './gateway.ts';

export const SIGNATURE_HEADER = 'x-cuota-signature';
// A notification older (or newer) than this is refused, which bounds replays.
const SIGNATURE_TOLERANCE_S = 300;

const digits = (n: number) => Array.from({ length: n }, () => crypto.randomInt(0, 10)).join('');
const hmac = (secret: string, text: string) => crypto.createHmac('sha256', secret).update(text).digest('hex');

/** Signs a notification body the way the sandbox provider does: `t=<unix>,v1=<hmac of "t.body">`. */
export function signNotification(secret: string, body: string, unixSeconds: number): string {
  return `t=${unixSeconds},v1=${hmac(secret, `${unixSeconds}.${body}`)}`;
}

/**
 * The built-in sandbox provider. It issues STP transfer references (a valid
 * CLABE and a 7-digit numeric reference) and Paycash cash vouchers, offers a
 * checkout page where a tester marks a reference paid, and then notifies this
 * portal with an HMAC-SHA256 signature exactly as a real provider would.
 */
export class SandboxGateway implements Gateway {
  readonly name = 'sandbox';

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly secret: string,
    // The market's collection account shape; Mexico's STP CLABE when none is given.
    private readonly collection: Collection = marketProfile('mx').collection,
  ) {}

  async issueReference(request: ReferenceRequest): Promise<IssuedReference> {
    if (request.paytype === 1) {
      const c = this.collection;
      return { reference: c.reference(digits(c.serialDigits)), barcode: digits(7), methodName: c.methodName };
    }
    const voucher = `7${digits(17)}`;
    return {
      reference: voucher,
      barcode: voucher,
      methodName: 'Paycash',
      checkoutUrl: this.checkoutUrl(request.baseUrl, voucher),
    };
  }

  async lookupStatus(reference: string) {
    const row = await findReference(this.db, reference);
    if (!row) return 'unknown' as const;
    if (row.status === 'paid') return 'paid' as const;
    return row.expires_at <= this.clock.now().getTime() ? ('expired' as const) : ('pending' as const);
  }

  /** The sandbox checkout page for a reference; the signature keeps others from guessing it. */
  checkoutUrl(baseUrl: string, reference: string): string {
    return `${baseUrl}/Pay/sandbox/${reference}?sig=${this.checkoutSignature(reference)}`;
  }

  checkoutSignature(reference: string): string {
    return hmac(this.secret, `checkout:${reference}`).slice(0, 32);
  }

  /** What the provider would POST to /Pay/notify when `amount` arrives for `reference`. */
  notification(reference: string, amount: number): { body: string; signature: string } {
    const now = this.clock.now().getTime();
    const body = JSON.stringify({
      event_id: crypto.randomUUID(),
      reference,
      amount: formatPlain(amount),
      status: 'paid',
      paid_at: Math.floor(now / 1000),
    });
    return { body, signature: signNotification(this.secret, body, Math.floor(now / 1000)) };
  }

  verifyNotification(rawBody: string, headers: Record<string, string | undefined>, now: number): VerifiedNotification {
    const body = verifiedBody(this.secret, rawBody, headers, now);
    const amount = typeof body.amount === 'string' ? parseMoney(body.amount) : null;
    const status = body.status;
    if (
      typeof body.event_id !== 'string' ||
      typeof body.reference !== 'string' ||
      amount === null ||
      (status !== 'paid' && status !== 'expired' && status !== 'failed')
    ) {
      throw new NotificationError(400, 'bad_body');
    }
    return {
      eventId: body.event_id,
      reference: body.reference,
      amount,
      status,
      paidAt: typeof body.paid_at === 'number' ? body.paid_at * 1000 : now,
    };
  }
}

/**
 * The JSON body of a sandbox callback (payment or payout) once its signature
 * (`t=<unix>,v1=<hex HMAC of "t.body">`) matches and is fresh; 401 or 400 otherwise.
 */
export function verifiedBody(secret: string, rawBody: string, headers: Record<string, string | undefined>, now: number): Record<string, unknown> {
  const header = headers[SIGNATURE_HEADER] ?? '';
  const parts = Object.fromEntries(header.split(',').map((p) => p.trim().split('=') as [string, string]));
  const t = Number(parts.t);
  const sent = Buffer.from(parts.v1 ?? '', 'hex');
  const expected = Buffer.from(hmac(secret, `${parts.t}.${rawBody}`), 'hex');
  if (!Number.isInteger(t) || sent.length !== expected.length || !crypto.timingSafeEqual(sent, expected)) {
    throw new NotificationError(401, 'bad_signature');
  }
  if (Math.abs(now / 1000 - t) > SIGNATURE_TOLERANCE_S) throw new NotificationError(401, 'stale_signature');
  try {
    return JSON.parse(rawBody);
  } catch {
    throw new NotificationError(400, 'bad_body');
  }
}
