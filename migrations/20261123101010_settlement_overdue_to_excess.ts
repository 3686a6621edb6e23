import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('settlements', (t) => {
    // A late fee booked earlier beyond what had accrued at this payment's moment (a later
    // payment that arrived first), moved to the bill's excess when this payment paid it off.
    t.integer('overdue_to_excess').notNullable().defaultTo(0);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('settlements', (t) => {
    t.dropColumn('overdue_to_excess');
  });
}
