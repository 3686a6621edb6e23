import crypto from 'node:crypto';
import type { Clock } from '../../clock.ts';
import { NotificationError } from '../payments/gateway.ts';
import { signNotification, verifiedBody } from '../payments/sandbox.ts';
import type { PayoutAnswer, PayoutGateway, PayoutRequest, VerifiedPayoutEvent } from './gateway.ts';

const hmac = (secret: string, text: string) => crypto.createHmac('sha256', secret).update(text).digest('hex');

/** The account part of a CLABE (before its check digit) ends in these to make the sandbox fail or answer late. */
export const SANDBOX_PAYOUT_FAILS = '1111';
export const SANDBOX_PAYOUT_LATE = '2222';

/**
 * The built-in sandbox payout provider, deterministic so every outcome can be
 * tried by hand: an account whose number ends in 1111 before its check digit
 * is refused, one ending in 2222 is accepted and stays pending until a signed
 * callback (POST /Payout/notify) confirms, fails or returns it; any other
 * account is paid at once.
 */
export class SandboxPayoutGateway implements PayoutGateway {
  readonly name = 'sandbox';

  constructor(
    private readonly clock: Clock,
    private readonly secret: string,
  ) {}

  async send(request: PayoutRequest): Promise<PayoutAnswer> {
    const body = request.accountNumber.slice(0, -1);
    const providerRef = `SBX${hmac(this.secret, request.idempotencyKey).slice(0, 20).toUpperCase()}`;
    if (body.endsWith(SANDBOX_PAYOUT_FAILS)) return { status: 'failed', reason: 'account_refused' };
    if (body.endsWith(SANDBOX_PAYOUT_LATE)) return { status: 'pending', providerRef };
    return { status: 'paid', providerRef, at: this.clock.now().getTime() };
  }

  /** What the provider would POST to /Payout/notify about a payout (tests and trying by hand). */
  callback(event: { eventId?: string; idempotencyKey: string; status: 'paid' | 'failed' | 'returned'; at?: number; reason?: string }): { body: string; signature: string } {
    const now = this.clock.now().getTime();
    const body = JSON.stringify({
      event_id: event.eventId ?? crypto.randomUUID(),
      idempotency_key: event.idempotencyKey,
      status: event.status,
      at: Math.floor((event.at ?? now) / 1000),
      ...(event.reason ? { reason: event.reason } : {}),
    });
    return { body, signature: signNotification(this.secret, body, Math.floor(now / 1000)) };
  }

  verifyCallback(rawBody: string, headers: Record<string, string | undefined>, now: number): VerifiedPayoutEvent {
    const body = verifiedBody(this.secret, rawBody, headers, now);
    const status = body.status;
    if (
      typeof body.event_id !== 'string' ||
      body.event_id.trim() === '' ||
      body.event_id.length > 80 ||
      typeof body.idempotency_key !== 'string' ||
      (status !== 'paid' && status !== 'failed' && status !== 'returned')
    ) {
      throw new NotificationError(400, 'bad_body');
    }
    return {
      eventId: body.event_id,
      idempotencyKey: body.idempotency_key,
      status,
      at: typeof body.at === 'number' ? body.at * 1000 : now,
      ...(typeof body.reason === 'string' ? { reason: body.reason.slice(0, 64) } : {}),
    };
  }
}
