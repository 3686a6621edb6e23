import type { Knex } from 'knex';

// 20261123100000_settlement_moment backfilled event_key with the reference, but new
// notifications are booked as `<provider>:<event id>`: a provider's retry of an event
// settled before that deploy would be booked a second time. Before it, a reference took
// one settlement, so the notification that settled it names the key it should have.
const SETTLING_OUTCOMES = ['settled', 'partial', 'settled_with_excess', 'extended', 'delay_applied_as_repayment', 'cancelled', 'exit_applied_as_repayment'];

export async function up(knex: Knex): Promise<void> {
  const outcomes = SETTLING_OUTCOMES.map(() => '?').join(', ');
  const settling = `from payment_notifications n
    where n.reference = settlements.reference and n.event_id is not null and n.event_id <> ''
      and n.outcome in (${outcomes})`;
  // Plain SQL both databases run alike (`||` concatenates on SQLite and PostgreSQL).
  await knex.raw(
    `update settlements
        set event_key = (select n.provider || ':' || n.event_id ${settling} order by n.id limit 1)
      where event_key = reference and source <> 'proof' and exists (select 1 ${settling})`,
    [...SETTLING_OUTCOMES, ...SETTLING_OUTCOMES],
  );
}

export async function down(): Promise<void> {
  // The reference-based keys were the bug; nothing to restore.
}
