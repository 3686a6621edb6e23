import type { Knex } from 'knex';

// Times are unix milliseconds (bigint); money is integer minor units (bigint).

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('borrowers', (t) => {
    t.increments('id').primary();
    t.string('phone', 16).notNullable().unique();
    t.string('password_hash', 255).notNullable();
    t.bigInteger('quota').notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
  });

  await knex.schema.createTable('staff', (t) => {
    t.increments('id').primary();
    t.string('email', 254).notNullable().unique();
    t.string('password_hash', 255).notNullable();
    t.string('role', 16).notNullable();
    t.bigInteger('created_at').notNullable();
  });

  await knex.schema.createTable('sessions', (t) => {
    // sha256 of the cookie's session id: a leaked table grants no session.
    t.string('id', 64).primary();
    t.text('data').notNullable();
    t.integer('borrower_id').nullable().references('id').inTable('borrowers').onDelete('CASCADE');
    t.bigInteger('created_at').notNullable();
    t.bigInteger('seen_at').notNullable();
    t.bigInteger('expires_at').notNullable();
    t.index(['expires_at']);
    t.index(['borrower_id']);
  });

  await knex.schema.createTable('login_failures', (t) => {
    t.increments('id').primary();
    t.string('phone', 64).notNullable();
    t.string('address', 64).notNullable();
    t.bigInteger('at').notNullable();
    t.index(['phone', 'at']);
    t.index(['address', 'at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('login_failures');
  await knex.schema.dropTable('sessions');
  await knex.schema.dropTable('staff');
  await knex.schema.dropTable('borrowers');
}
