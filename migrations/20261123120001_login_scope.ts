import type { Knex } from 'knex';

/**
 * Sign-in attempts are counted per scope: borrowers and staff each have their
 * own per-address counter, so one cannot lock the other out.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('login_failures', (t) => {
    t.string('scope', 16).notNullable().defaultTo('borrower');
    t.index(['scope', 'address', 'at']);
    t.index(['scope', 'phone', 'address', 'at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('login_failures', (t) => {
    t.dropIndex(['scope', 'phone', 'address', 'at']);
    t.dropIndex(['scope', 'address', 'at']);
    t.dropColumn('scope');
  });
}
