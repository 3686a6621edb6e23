import type { Knex } from 'knex';

// Loan products (issue 20): a product is an identity (its code, its current
// version); its pricing lives in immutable version rows. A change (edit,
// open, close) adds a version and moves `current_version`; a loan names the
// product and the version it was priced with.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('products', (t) => {
    t.increments('id').primary();
    t.string('code', 32).notNullable().unique();
    t.integer('current_version').notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
  });

  await knex.schema.createTable('product_versions', (t) => {
    t.increments('id').primary();
    t.integer('product_id').notNullable().references('id').inTable('products');
    t.integer('version').notNullable();
    t.string('name_en', 60).notNullable();
    t.string('name_es', 60).notNullable();
    // Money in minor units, rates in ppm, terms as "7,10,15".
    t.bigInteger('min_amount').notNullable();
    t.bigInteger('max_amount').notNullable();
    t.bigInteger('amount_step').notNullable();
    t.string('terms', 120).notNullable();
    t.integer('default_term').notNullable();
    t.integer('loan_rate_ppm').notNullable();
    t.integer('repay_rate_ppm').notNullable();
    t.integer('overdue_rate_ppm').notNullable();
    t.integer('overdue_cap_ppm').notNullable();
    t.integer('delay_max').notNullable();
    // everyone | first_loan | repeat
    t.string('eligibility', 16).notNullable();
    t.boolean('open').notNullable();
    // Who made this version (null: seeded from the environment) and when.
    t.integer('created_by').nullable().references('id').inTable('staff');
    t.bigInteger('created_at').notNullable();
    // Two admins saving the same version at once: one insert wins, the other is refused.
    t.unique(['product_id', 'version']);
  });

  await knex.schema.alterTable('loans', (t) => {
    // Null for loans made before products existed: they carry their own rates and follow DELAY_MAX.
    t.integer('product_id').nullable().references('id').inTable('products');
    t.integer('product_version').nullable();
    t.integer('delay_max').nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('loans', (t) => {
    t.dropForeign(['product_id']);
  });
  await knex.schema.alterTable('loans', (t) => {
    t.dropColumn('product_id');
    t.dropColumn('product_version');
    t.dropColumn('delay_max');
  });
  await knex.schema.dropTable('product_versions');
  await knex.schema.dropTable('products');
}
