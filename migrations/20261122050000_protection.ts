import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('loans', (t) => {
    // The key facts statement the borrower acknowledged before confirming, and when.
    t.string('kfs_version', 32).nullable();
    t.bigInteger('kfs_ack_at').nullable();
    // Returned within the cooling-off days.
    t.bigInteger('cancelled_at').nullable();
  });
  await knex.schema.alterTable('settlements', (t) => {
    // What the bill still asked for right after this payment (the receipt shows it).
    t.bigInteger('left_after').nullable();
  });

  await knex.schema.createTable('complaints', (t) => {
    t.increments('id').primary();
    t.string('number', 24).notNullable().unique();
    t.integer('borrower_id').notNullable().references('id').inTable('borrowers');
    t.string('topic', 24).notNullable();
    t.string('status', 16).notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.bigInteger('closed_at').nullable();
    t.index(['borrower_id', 'id']);
    t.index(['status', 'created_at']);
  });
  await knex.schema.createTable('complaint_messages', (t) => {
    t.increments('id').primary();
    t.integer('complaint_id').notNullable().references('id').inTable('complaints');
    t.string('author', 16).notNullable();
    t.integer('staff_id').nullable().references('id').inTable('staff');
    t.text('body').notNullable();
    t.bigInteger('created_at').notNullable();
    t.index(['complaint_id', 'id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('complaint_messages');
  await knex.schema.dropTable('complaints');
  await knex.schema.alterTable('settlements', (t) => {
    t.dropColumn('left_after');
  });
  await knex.schema.alterTable('loans', (t) => {
    t.dropColumn('kfs_version');
    t.dropColumn('kfs_ack_at');
    t.dropColumn('cancelled_at');
  });
}
