import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('bills', (t) => {
    // Late fees paid by repayments in due periods that an extension has since closed.
    t.bigInteger('overdue_cleared').notNullable().defaultTo(0);
    // Money paid for extensions (their fee plus the late fee they cleared); it never reduces the debt.
    t.bigInteger('extension_paid').notNullable().defaultTo(0);
  });

  await knex.schema.createTable('payment_intents', (t) => {
    t.increments('id').primary();
    t.integer('borrower_id').notNullable().references('id').inTable('borrowers');
    t.integer('bill_id').notNullable().references('id').inTable('bills');
    t.string('purpose', 16).notNullable();
    t.bigInteger('amount').notNullable();
    t.string('status', 16).notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('expires_at').notNullable();
    t.bigInteger('paid_at').nullable();
    t.index(['bill_id', 'purpose', 'id']);
  });

  await knex.schema.createTable('payment_references', (t) => {
    t.increments('id').primary();
    t.integer('intent_id').notNullable().references('id').inTable('payment_intents');
    t.integer('borrower_id').notNullable().references('id').inTable('borrowers');
    t.integer('paytype').notNullable();
    t.string('provider', 16).notNullable();
    t.string('reference', 40).notNullable().unique();
    t.string('barcode', 40).notNullable();
    t.string('method', 32).notNullable();
    t.string('checkout_url', 500).nullable();
    t.bigInteger('amount').notNullable();
    t.string('status', 16).notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('expires_at').notNullable();
    t.bigInteger('paid_at').nullable();
    t.bigInteger('paid_amount').nullable();
    t.index(['intent_id', 'paytype']);
  });

  await knex.schema.createTable('payment_notifications', (t) => {
    t.increments('id').primary();
    t.string('provider', 16).notNullable();
    t.string('event_id', 80).nullable();
    t.string('reference', 80).nullable();
    t.string('outcome', 32).notNullable();
    t.integer('http_status').notNullable();
    t.text('body').notNullable();
    t.bigInteger('received_at').notNullable();
    t.index(['reference']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('payment_notifications');
  await knex.schema.dropTable('payment_references');
  await knex.schema.dropTable('payment_intents');
  await knex.schema.alterTable('bills', (t) => {
    t.dropColumn('overdue_cleared');
    t.dropColumn('extension_paid');
  });
}
