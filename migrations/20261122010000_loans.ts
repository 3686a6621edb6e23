import type { Knex } from 'knex';

// Money in minor units (bigint), rates in ppm, times in unix ms, days as local day numbers.

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('borrowers', (t) => {
    t.integer('on_time_repayments').notNullable().defaultTo(0);
  });

  await knex.schema.createTable('loans', (t) => {
    t.increments('id').primary();
    t.string('oid', 32).notNullable().unique();
    t.integer('borrower_id').notNullable().references('id').inTable('borrowers');
    t.bigInteger('principal').notNullable();
    t.integer('term_days').notNullable();
    // The product's rates when the borrower applied: later changes never touch this loan.
    t.integer('loan_rate_ppm').notNullable();
    t.integer('repay_rate_ppm').notNullable();
    t.integer('overdue_rate_ppm').notNullable();
    t.integer('overdue_cap_ppm').notNullable();
    t.bigInteger('fee').notNullable();
    t.bigInteger('received').notNullable();
    t.bigInteger('repay_interest').notNullable();
    t.string('status', 24).notNullable();
    t.string('decided_by', 32).nullable();
    t.string('reject_code', 32).nullable();
    t.string('reject_note', 500).nullable();
    t.bigInteger('reapply_at').nullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('confirmed_at').nullable();
    t.bigInteger('decided_at').nullable();
    t.bigInteger('disbursed_at').nullable();
    t.bigInteger('repaid_at').nullable();
    t.index(['borrower_id', 'id']);
    t.index(['status']);
  });
  // One open loan per borrower, enforced by the database whatever the timing.
  await knex.raw(
    "create unique index loans_one_open_per_borrower on loans (borrower_id) where status in ('awaiting_confirmation', 'in_review', 'disbursed')",
  );

  await knex.schema.createTable('bills', (t) => {
    t.increments('id').primary();
    t.integer('loan_id').notNullable().unique().references('id').inTable('loans');
    t.integer('borrower_id').notNullable().references('id').inTable('borrowers');
    t.bigInteger('principal').notNullable();
    t.bigInteger('fee').notNullable();
    t.bigInteger('repay_interest').notNullable();
    t.integer('start_day').notNullable();
    t.integer('due_day').notNullable();
    t.integer('delay_count').notNullable().defaultTo(0);
    t.integer('delay_days').notNullable().defaultTo(0);
    t.bigInteger('delay_unpaid').notNullable().defaultTo(0);
    t.bigInteger('overdue_paid').notNullable().defaultTo(0);
    t.bigInteger('interest_paid').notNullable().defaultTo(0);
    t.bigInteger('delay_paid').notNullable().defaultTo(0);
    t.bigInteger('principal_paid').notNullable().defaultTo(0);
    t.bigInteger('excess_paid').notNullable().defaultTo(0);
    t.string('status', 16).notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('repaid_at').nullable();
    t.integer('version').notNullable().defaultTo(0);
    t.index(['borrower_id']);
  });

  await knex.schema.createTable('settlements', (t) => {
    t.increments('id').primary();
    t.integer('bill_id').notNullable().references('id').inTable('bills');
    t.integer('borrower_id').notNullable().references('id').inTable('borrowers');
    // One reference settles once, whatever arrives twice.
    t.string('reference', 80).notNullable().unique();
    t.string('source', 16).notNullable();
    t.string('purpose', 16).notNullable();
    t.bigInteger('amount').notNullable();
    t.bigInteger('overdue_part').notNullable();
    t.bigInteger('interest_part').notNullable();
    t.bigInteger('delay_part').notNullable();
    t.bigInteger('principal_part').notNullable();
    t.bigInteger('excess').notNullable();
    t.bigInteger('settled_at').notNullable();
    t.index(['bill_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('settlements');
  await knex.schema.dropTable('bills');
  await knex.schema.dropTable('loans');
  await knex.schema.alterTable('borrowers', (t) => {
    t.dropColumn('on_time_repayments');
  });
}
