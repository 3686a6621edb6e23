import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('settlements', (t) => {
    // Several deposits may arrive for one transfer reference: each is booked once, by its own key
    // (the provider's event id, or the proof), no longer by the reference.
    t.string('event_key', 120).nullable();
    // The payment link the money was sent to, when there was one.
    t.integer('intent_id').nullable();
    // The moment the borrower paid, which priced it (settled_at is when it was processed).
    t.bigInteger('paid_at').nullable();
    // Why the money was booked as a repayment instead of what it was sent for (an i18n key).
    t.string('note', 64).nullable();
  });
  await knex('settlements').update({ event_key: knex.ref('reference') });
  await knex.schema.alterTable('settlements', (t) => {
    t.dropUnique(['reference']);
    t.index(['reference']);
    t.unique(['event_key']);
    t.index(['intent_id']);
  });
  await knex.schema.alterTable('payment_intents', (t) => {
    // For an extension: the due day it was priced against (it extends from that day only).
    t.integer('due_day').nullable();
  });
  await knex.schema.alterTable('bills', (t) => {
    // How many of the bill's extensions Repay/ajaxDelay has reported to the app as "Deferred success".
    t.integer('delays_reported').notNullable().defaultTo(0);
  });
  await knex('bills').update({ delays_reported: knex.ref('delay_count') });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('bills', (t) => {
    t.dropColumn('delays_reported');
  });
  await knex.schema.alterTable('payment_intents', (t) => {
    t.dropColumn('due_day');
  });
  await knex.schema.alterTable('settlements', (t) => {
    t.dropUnique(['event_key']);
    t.dropIndex(['intent_id']);
    t.dropIndex(['reference']);
  });
  await knex.schema.alterTable('settlements', (t) => {
    t.dropColumn('event_key');
    t.dropColumn('intent_id');
    t.dropColumn('paid_at');
    t.dropColumn('note');
    t.unique(['reference']);
  });
}
