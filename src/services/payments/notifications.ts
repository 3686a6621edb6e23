import type { Logger } from 'pino';
import type { Clock } from '../../clock.ts';
import type { Config } from '../../config.ts';
import type { Db } from '../../data/db.ts';
import {
  findIntent,
  findReference,
  markIntentPaid,
  markReferencePaid,
  recordNotification,
} from '../../data/repositories/payments.ts';
import { applyDelay, applyExit, applyRepayment } from '../settlement.ts';
import { type Gateway, NotificationError, type VerifiedNotification } from './gateway.ts';

type NotifyConfig = Pick<Config, 'timeZone' | 'quotaGrowth' | 'delayMax' | 'protection'>;

export interface NotificationOutcome {
  status: number;
  outcome: string;
}

/**
 * POST /Pay/notify: verifies a provider's notification and settles its
 * reference exactly once. A replayed, reordered or concurrent copy changes
 * nothing more; a bad signature, an unknown reference or an amount above the
 * reference's answers 4xx and changes nothing. Every notification is recorded
 * and logged with its outcome.
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
  if (note.amount <= 0 || note.amount > ref.amount) throw new NotificationError(422, 'amount_mismatch');
  if (ref.status === 'paid') return { status: 200, outcome: 'duplicate' };
  return db.transaction(async (trx) => {
    const now = clock.now().getTime();
    // The conditional update is the once-only gate: a concurrent copy finds the reference already paid.
    if (!(await markReferencePaid(trx, ref.id, note.amount, now))) return { status: 200, outcome: 'duplicate' };
    const intent = (await findIntent(trx, ref.intent_id))!;
    await markIntentPaid(trx, intent.id, now);
    const payment = { billId: intent.bill_id, amount: note.amount, reference: ref.reference, source: gateway.name };
    if (intent.purpose === 'delay') {
      const done = await applyDelay(trx, clock, config, payment);
      return { status: 200, outcome: done.extended ? 'extended' : 'delay_applied_as_repayment' };
    }
    if (intent.purpose === 'exit') {
      const done = await applyExit(trx, clock, config, payment);
      return { status: 200, outcome: done.cancelled ? 'cancelled' : 'exit_applied_as_repayment' };
    }
    await applyRepayment(trx, clock, config, payment);
    return { status: 200, outcome: note.amount < ref.amount ? 'partial' : 'settled' };
  });
}
