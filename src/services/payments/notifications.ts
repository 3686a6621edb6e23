import type { Logger } from 'pino';
import type { Clock } from '../../clock.ts';
import type { Config } from '../../config.ts';
import type { Db } from '../../data/db.ts';
import { creditReference, findIntent, findReference, markIntentPaid, recordNotification } from '../../data/repositories/payments.ts';
import { paymentMoment } from '../../domain/settlement.ts';
import { settlePayment } from '../settlement.ts';
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
    result = await settle(db, clock, config, gateway, note);
  } catch (err) {
    if (!(err instanceof NotificationError)) throw err;
    result = { status: err.status, outcome: err.code };
  }
  await recordNotification(db, {
    provider: gateway.name,
    event_id: note?.eventId ?? null,
    reference: note?.reference ?? null,
    outcome: result.outcome,
    http_status: result.status,
    body: raw.slice(0, 4000),
    received_at: receivedAt,
  });
  const level = result.status >= 400 ? 'warn' : 'info';
  logger[level]({ reference: note?.reference, eventId: note?.eventId, ...result }, 'payment notification');
  return result;
}

async function settle(
  db: Db,
  clock: Clock,
  config: NotifyConfig,
  gateway: Gateway,
  note: VerifiedNotification,
): Promise<NotificationOutcome> {
  const ref = await findReference(db, note.reference);
  if (!ref || ref.provider !== gateway.name) throw new NotificationError(404, 'unknown_reference');
  if (note.status !== 'paid') return { status: 200, outcome: `ignored_${note.status}` };
  if (note.amount <= 0) throw new NotificationError(422, 'amount_mismatch');
  const intent = (await findIntent(db, ref.intent_id))!;
  return db.transaction(async (trx) => {
    const now = clock.now().getTime();
    // Each deposit is its own event: booked once by its event id, whatever the reference already took.
    const done = await settlePayment(trx, clock, config, {
      billId: intent.bill_id,
      amount: note.amount,
      reference: ref.reference,
      source: gateway.name,
      purpose: intent.purpose,
      paidAt: paymentMoment(note.paidAt, ref.created_at, now),
      key: `${gateway.name}:${note.eventId}`,
      intent,
    });
    if (!done.applied) return { status: 200, outcome: 'duplicate' };
    await creditReference(trx, ref.id, note.amount, now);
    await markIntentPaid(trx, intent.id, now);
    return { status: 200, outcome: outcomeOf(intent.purpose, done.plan, done.settlement.excess) };
  });
}

/** The outcome recorded (and answered to the provider) for a booked payment. */
function outcomeOf(sentFor: string, plan: { purpose: string; paidOff: boolean; redirected: string | null }, excess: number): string {
  if (sentFor === 'delay') return plan.purpose === 'delay' ? 'extended' : 'delay_applied_as_repayment';
  if (sentFor === 'exit') return plan.purpose === 'exit' ? 'cancelled' : 'exit_applied_as_repayment';
  if (excess > 0) return 'settled_with_excess';
  return plan.paidOff ? 'settled' : 'partial';
}
