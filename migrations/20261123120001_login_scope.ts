import type { Knex } from 'knex';

/**
 * Sign-in attempts are counted per scope: borrowers and staff each have their
 * own per-address counter, so one cannot lock the other out. An attempt is
 * recorded (pending) before its password is checked.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('login_failures', (t) => {
    t.string('scope', 16).notNullable().defaultTo('borrower');
    // Counted before its password is checked: true until the check ends.
    t.boolean('pending').notNullable().defaultTo(false);
    t.index(['scope', 'address', 'at']);
    t.index(['scope', 'phone', 'address', 'at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('login_failures', (t) => {
    t.dropIndex(['scope', 'phone', 'address', 'at']);
    t.dropIndex(['scope', 'address', 'at']);
    t.dropColumn('pending');
    t.dropColumn('scope');
  });
}
