import type { Knex } from 'knex';

// Identity and bank accounts: what a borrower declared and showed (ID and
// account numbers only sealed with DATA_KEY, with a keyed hash for lookups),
// the state of each verification step, and the accounts money may go to.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('identities', (t) => {
    t.increments('id').primary();
    t.integer('borrower_id').notNullable().unique().references('id').inTable('borrowers').onDelete('CASCADE');
    t.string('full_name', 120).nullable();
    t.string('birth_date', 10).nullable();
    // `<key id>:<iv>.<tag>.<ciphertext>`: AES-256-GCM under DATA_KEY.
    t.text('id_number_sealed').nullable();
    // HMAC-SHA256 under DATA_HASH_KEY: one national ID, one borrower.
    t.string('id_number_hash', 64).nullable().unique();
    t.text('tax_id_sealed').nullable();
    t.string('state_code', 16).nullable();
    t.string('city_code', 16).nullable();
    t.string('employment', 32).nullable();
    t.string('income_band', 32).nullable();
    t.integer('id_front_upload_id').nullable().references('id').inTable('uploads');
    t.integer('id_back_upload_id').nullable().references('id').inTable('uploads');
    t.integer('selfie_upload_id').nullable().references('id').inTable('uploads');
    // What the document-check provider read, and its face score (0-100).
    t.string('read_name', 120).nullable();
    t.text('read_id_sealed').nullable();
    t.integer('face_score').nullable();
    // JSON array of flags for staff (unreadable, name_mismatch, id_mismatch, face_low).
    t.text('flags').notNullable().defaultTo('[]');
    // none | pending | approved | rejected
    t.string('review', 16).notNullable().defaultTo('none');
    t.bigInteger('review_since').nullable();
    t.integer('reviewed_by').nullable().references('id').inTable('staff');
    t.bigInteger('reviewed_at').nullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.index(['review', 'review_since']);
  });

  await knex.schema.createTable('kyc_steps', (t) => {
    t.increments('id').primary();
    t.integer('borrower_id').notNullable().references('id').inTable('borrowers').onDelete('CASCADE');
    // personal, address, work, documents (bank comes from bank_accounts)
    t.string('step', 16).notNullable();
    // not_started | submitted | verified | rejected
    t.string('status', 16).notNullable();
    t.string('reason', 32).nullable();
    t.string('note', 500).nullable();
    t.bigInteger('updated_at').notNullable();
    t.unique(['borrower_id', 'step']);
  });

  await knex.schema.createTable('bank_accounts', (t) => {
    t.increments('id').primary();
    t.integer('borrower_id').notNullable().references('id').inTable('borrowers').onDelete('CASCADE');
    t.string('bank_code', 16).notNullable();
    t.text('number_sealed').notNullable();
    t.string('number_hash', 64).notNullable();
    // Set only while verified: one verified owner per account number, enforced by the database.
    t.string('verified_hash', 64).nullable().unique();
    t.string('last4', 4).notNullable();
    t.string('holder_name', 120).nullable();
    // pending (provider unavailable) | verified | rejected
    t.string('status', 16).notNullable();
    t.string('reason', 32).nullable();
    t.boolean('is_default').notNullable().defaultTo(false);
    t.bigInteger('created_at').notNullable();
    t.bigInteger('checked_at').nullable();
    t.unique(['borrower_id', 'number_hash']);
    t.index(['number_hash']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('bank_accounts');
  await knex.schema.dropTable('kyc_steps');
  await knex.schema.dropTable('identities');
}
