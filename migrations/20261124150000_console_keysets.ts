import type { Knex } from 'knex';

/**
 * Indexes for the console's keyset pages and searches at a million loans: each
 * list reads `where <state> = ? and id > ? order by id limit 51` straight off
 * an index, and a search by borrower reads that borrower's rows only.
 * `loans (status)` gives way to `loans (status, id)`, which serves both.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('loans', (t) => {
    t.dropIndex(['status']);
    t.index(['status', 'id']);
  });
  await knex.schema.alterTable('complaints', (t) => t.index(['status', 'id']));
  await knex.schema.alterTable('feedback', (t) => t.index(['status', 'id']));
  await knex.schema.alterTable('audit_log', (t) => t.index(['subject', 'id']));
  await knex.schema.alterTable('proofs', (t) => t.index(['borrower_id', 'id']));
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('proofs', (t) => t.dropIndex(['borrower_id', 'id']));
  await knex.schema.alterTable('audit_log', (t) => t.dropIndex(['subject', 'id']));
  await knex.schema.alterTable('feedback', (t) => t.dropIndex(['status', 'id']));
  await knex.schema.alterTable('complaints', (t) => t.dropIndex(['status', 'id']));
  await knex.schema.alterTable('loans', (t) => {
    t.dropIndex(['status', 'id']);
    t.index(['status']);
  });
}
