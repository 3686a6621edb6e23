import type { Knex } from 'knex';

// Shared uploads (issue 21): with UPLOAD_STORAGE=db (the default on PostgreSQL) the
// stored images themselves live here, so every portal process on every machine
// serves every upload with nothing shared but the database. Keyed by the upload's
// path (`YYYYMMDD/<32 hex>.jpg`, or its `.thumb.jpg`), named after its content.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('upload_blobs', (t) => {
    t.string('path', 64).primary();
    // bytea on PostgreSQL, blob on SQLite.
    t.binary('data').notNullable();
    t.integer('bytes').notNullable();
    t.bigInteger('created_at').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('upload_blobs');
}
