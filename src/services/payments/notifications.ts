import type { Logger } from 'pino';
import type { Clock } from '../../clock.ts';
import type { Config } from '../../config.ts';
import type { Db } from '../../data/db.ts';
import { creditReference, findIntent, findReference, markIntentPaid, recordNotification } from '../../data/repositories/payments.ts';
import { paymentMoment } from '../../domain/settlement.ts';
import { settleOnce } from '../settlement.ts';
import { type Gateway, NotificationError, type VerifiedNotification } from './gateway.ts';

type NotifyConfig = Pick<Config, 'timeZone' | 'quotaGrowth' | 'delayMax' | 'protection'>;

export interface NotificationOutcome {
  status: number;
  outcome: string;
}

/**
 * POST /Pay/notify: verifies a provider's notification and books the money
 * it reports exactly once per event id, priced at the moment the borrower
 * paid. Several deposits to one reference are each booked; money beyond what
 * is owed is kept as excess. A replayed or concurrent copy of an event changes
 * nothing more; a bad signature or an unknown reference answers 4xx and
 * changes nothing. Every notification is recorded and logged with its outcome.
 */
export async function handleNotification(
  db: Db,
  clock: Clock,
  config: NotifyConfig,
  gateway: Gateway,
  logger: Logger,
  raw: string,
  headers: Record<string, string | undefined>,
): Promise<NotificationOutcome> {
  const receivedAt = clock.now().getTime();
  let note: VerifiedNotification | undefined;
  let result: NotificationOutcome;
  try {
    note = gateway.verifyNotification(raw, headers, receivedAt);
    result = await settle(db, clock, config, gateway, logger, note);
  } catch (err) {
    if (!(err instanceof NotificationError)) throw err;
    result = { status: err.status, outcome: err.code };
  }
  await recordNotification(db, {
    provider: gateway.name,
    // Kept to the columns' width: what the provider sent in full is in the body.
    event_id: note ? note.eventId.slice(0, EVENT_ID_MAX) : null,
    reference: note ? note.reference.slice(0, 80) : null,
    outcome: result.outcome,
    http_status: result.status,
    body: raw.slice(0, 4000),
    received_at: receivedAt,
  });
  const level = result.status >= 400 ? 'warn' : 'info';
  logger[level]({ reference: note?.reference, eventId: note?.eventId, ...result }, 'payment notification');
  return result;
}

/** The longest event id kept (payment_notifications.event_id). */
export const EVENT_ID_MAX = 80;

async function settle(
  db: Db,
  clock: Clock,
  config: NotifyConfig,
  gateway: Gateway,
  logger: Logger,
  note: VerifiedNotification,
): Promise<NotificationOutcome> {
  // The event id books the money once: without a usable one a deposit could be dropped or doubled.
  if (note.eventId.trim() === '') throw new NotificationError(400, 'event_id_missing');
  if (note.eventId.length > EVENT_ID_MAX) throw new NotificationError(400, 'event_id_too_long');
  const ref = await findReference(db, note.reference);
  if (!ref || ref.provider !== gateway.name) throw new NotificationError(404, 'unknown_reference');
  if (note.status !== 'paid') return { status: 200, outcome: `ignored_${note.status}` };
  if (note.amount <= 0) throw new NotificationError(422, 'amount_mismatch');
  const intent = (await findIntent(db, ref.intent_id))!;
  const now = clock.now().getTime();
  // Each deposit is its own event: booked once by its event id, whatever the reference already took.
  const done = await settleOnce(
    db,
    clock,
    config,
    {
      billId: intent.bill_id,
      amount: note.amount,
      reference: ref.reference,
      source: gateway.name,
      purpose: intent.purpose,
      paidAt: paymentMoment(note.paidAt, ref.created_at, now),
      key: `${gateway.name}:${note.eventId}`,
      intent,
    },
    async (trx) => {
      await creditReference(trx, ref.id, note.amount, now);
      await markIntentPaid(trx, intent.id, now);
    },
  );
  if (!done.applied) {
    const booked = done.settlement;
    if (booked.reference !== ref.reference) {
      // The provider reused an event id for another deposit: refuse loudly so it is looked at, never drop it as a copy.
      logger.error({ eventId: note.eventId, reference: ref.reference, bookedReference: booked.reference, amount: note.amount }, 'payment event id reused for another reference');
      throw new NotificationError(409, 'event_id_reused');
    }
    if (booked.amount !== note.amount) {
      logger.warn({ eventId: note.eventId, reference: ref.reference, amount: note.amount, bookedAmount: booked.amount }, 'payment replay with another amount');
    }
    return { status: 200, outcome: 'duplicate' };
  }
  return { status: 200, outcome: outcomeOf(intent.purpose, done.plan, done.settlement.excess) };
}

/** The outcome recorded (and answered to the provider) for a booked payment. */
function outcomeOf(sentFor: string, plan: { purpose: string; paidOff: boolean; redirected: string | null }, excess: number): string {
  if (sentFor === 'delay') return plan.purpose === 'delay' ? 'extended' : 'delay_applied_as_repayment';
  if (sentFor === 'exit') return plan.purpose === 'exit' ? 'cancelled' : 'exit_applied_as_repayment';
  if (excess > 0) return 'settled_with_excess';
  return plan.paidOff ? 'settled' : 'partial';
}
