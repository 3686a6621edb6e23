import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('uploads', (t) => {
    t.increments('id').primary();
    t.integer('borrower_id').notNullable().references('id').inTable('borrowers');
    // YYYYMMDD/<32 hex>.jpg, named after the stored image's content.
    t.string('path', 64).notNullable();
    t.string('thumb_path', 64).notNullable();
    // Of the bytes the borrower sent: the same file sent twice has the same sha256.
    t.string('sha256', 64).notNullable();
    // 64-bit perceptual hash as a string of 0/1: close images are a few bits apart.
    t.string('phash', 64).notNullable();
    t.integer('width').notNullable();
    t.integer('height').notNullable();
    t.integer('bytes').notNullable();
    t.bigInteger('created_at').notNullable();
    t.unique(['borrower_id', 'path']);
    t.index(['path']);
    t.index(['sha256']);
  });

  await knex.schema.createTable('proofs', (t) => {
    t.increments('id').primary();
    t.integer('borrower_id').notNullable().references('id').inTable('borrowers');
    t.integer('bill_id').notNullable().references('id').inTable('bills');
    t.string('utr', 32).nullable();
    t.string('utr_image', 64).nullable();
    t.string('repay_image', 64).nullable();
    t.string('status', 16).notNullable();
    // What staff should look at twice: odd UTRs, screenshots seen in other proofs.
    t.text('flags').notNullable();
    t.string('reject_code', 32).nullable();
    t.string('reject_note', 500).nullable();
    t.integer('decided_by').nullable().references('id').inTable('staff');
    t.bigInteger('decided_at').nullable();
    t.bigInteger('settled_amount').nullable();
    t.string('settled_purpose', 16).nullable();
    t.bigInteger('created_at').notNullable();
    t.index(['status', 'id']);
    t.index(['bill_id']);
  });
  // A UTR can back one live proof in the whole system; a rejected proof frees it.
  await knex.raw("create unique index proofs_utr_once on proofs (utr) where utr is not null and status <> 'rejected'");

  await knex.schema.createTable('audit_log', (t) => {
    t.increments('id').primary();
    t.integer('staff_id').notNullable().references('id').inTable('staff');
    t.string('action', 40).notNullable();
    t.string('subject', 64).notNullable();
    t.text('detail').notNullable();
    t.string('address', 64).notNullable();
    t.bigInteger('at').notNullable();
    t.index(['at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('audit_log');
  await knex.schema.dropTable('proofs');
  await knex.schema.dropTable('uploads');
}
