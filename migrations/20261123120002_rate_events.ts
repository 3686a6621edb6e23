import type { Knex } from 'knex';

/** Requests counted against a rate limit (e.g. uploads per borrower), whatever became of them. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('rate_events', (t) => {
    t.increments('id').primary();
    t.string('kind', 24).notNullable();
    t.string('subject', 64).notNullable();
    t.bigInteger('at').notNullable();
    t.index(['kind', 'subject', 'at']);
    t.index(['at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('rate_events');
}
