import type { Knex } from 'knex';

// DELAY_MODE=on_bill: when the newest extension was put on the bill, so a
// double tap on the app's button adds one extension, not two.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('bills', (t) => {
    t.bigInteger('delayed_at').nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('bills', (t) => {
    t.dropColumn('delayed_at');
  });
}
