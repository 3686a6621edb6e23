import type { Knex } from 'knex';

// Sign-up and recovery: one-time codes (only their keyed hash), the rows that
// serialise code requests per phone and per address, and the legal documents
// each borrower accepted.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('one_time_codes', (t) => {
    t.increments('id').primary();
    t.string('phone', 16).notNullable();
    // register, reset, esign, login
    t.string('purpose', 16).notNullable();
    // HMAC-SHA256 (hex) of phone, purpose and code: a leaked table gives no code.
    t.string('code_hash', 64).notNullable();
    t.string('address', 64).notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('expires_at').notNullable();
    // Tries claimed so far (a correct try gives its own back).
    t.integer('attempts').notNullable().defaultTo(0);
    t.bigInteger('verified_at').nullable();
    t.bigInteger('consumed_at').nullable();
    // A newer code for the same phone and purpose replaced this one.
    t.bigInteger('superseded_at').nullable();
    t.index(['phone', 'created_at']);
    t.index(['address', 'created_at']);
    t.index(['phone', 'purpose', 'id']);
  });

  await knex.schema.createTable('code_request_locks', (t) => {
    // `phone:<digits>` or `address:<ip>`: locked for update while a request is counted.
    t.string('key', 80).primary();
  });

  await knex.schema.createTable('document_acceptances', (t) => {
    t.increments('id').primary();
    t.integer('borrower_id').notNullable().references('id').inTable('borrowers').onDelete('CASCADE');
    // terms, privacy
    t.string('document', 16).notNullable();
    t.string('version', 32).notNullable();
    t.string('lang', 8).notNullable();
    t.string('address', 64).notNullable();
    t.bigInteger('accepted_at').notNullable();
    t.index(['borrower_id', 'document']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('document_acceptances');
  await knex.schema.dropTable('code_request_locks');
  await knex.schema.dropTable('one_time_codes');
}
