import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('feedback', (t) => {
    t.increments('id').primary();
    t.integer('borrower_id').nullable().references('id').inTable('borrowers');
    t.string('address', 64).notNullable();
    t.string('contact', 254).notNullable();
    t.text('comments').notNullable();
    // JSON array of upload paths, each one of the sender's own uploads.
    t.text('attachments').notNullable();
    t.string('status', 16).notNullable();
    t.text('reply_note').nullable();
    t.integer('replied_by').nullable().references('id').inTable('staff');
    t.bigInteger('replied_at').nullable();
    t.bigInteger('created_at').notNullable();
    t.index(['address', 'created_at']);
    t.index(['borrower_id', 'created_at']);
  });

  await knex.schema.createTable('contact_consents', (t) => {
    t.increments('id').primary();
    t.integer('borrower_id').notNullable().references('id').inTable('borrowers');
    // Which consent text the borrower agreed to.
    t.string('version', 32).notNullable();
    t.bigInteger('given_at').notNullable();
    t.bigInteger('withdrawn_at').nullable();
    t.index(['borrower_id']);
  });

  await knex.schema.createTable('contacts', (t) => {
    t.increments('id').primary();
    t.integer('borrower_id').notNullable().references('id').inTable('borrowers');
    t.string('name', 100).notNullable();
    t.string('phone', 16).notNullable();
    t.string('relation', 40).nullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.unique(['borrower_id', 'phone']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('contacts');
  await knex.schema.dropTable('contact_consents');
  await knex.schema.dropTable('feedback');
}
