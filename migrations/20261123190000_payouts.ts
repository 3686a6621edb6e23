import type { Knex } from 'knex';

// Payouts (issue 19): the loan's money sent to the borrower's verified account
// through a payout provider. A loan is owed only once its payout arrived.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('payouts', (t) => {
    t.increments('id').primary();
    t.integer('loan_id').notNullable().references('id').inTable('loans');
    t.integer('borrower_id').notNullable().references('id').inTable('borrowers');
    t.integer('bank_account_id').notNullable().references('id').inTable('bank_accounts');
    // Minor units: what the borrower receives (the loan's `received`).
    t.bigInteger('amount').notNullable();
    // The 1st, 2nd, ... attempt for this loan; the idempotency key names it for the provider.
    t.integer('attempt').notNullable();
    t.string('idempotency_key', 80).notNullable().unique();
    t.string('provider', 16).notNullable();
    t.string('provider_ref', 80).nullable();
    // pending | paid | failed | returned
    t.string('status', 16).notNullable();
    t.string('reason', 64).nullable();
    // What the borrower had paid on the bill when the payout came back: owed back to them.
    t.bigInteger('refund_due').notNullable().defaultTo(0);
    t.bigInteger('created_at').notNullable();
    t.bigInteger('paid_at').nullable();
    t.bigInteger('failed_at').nullable();
    t.bigInteger('returned_at').nullable();
    t.index(['loan_id']);
    t.index(['status', 'created_at']);
  });
  // At most one payout per loan that is on its way or arrived: a second approval or a retry cannot pay twice.
  await knex.raw("create unique index payouts_one_live_per_loan on payouts (loan_id) where status in ('pending', 'paid')");

  await knex.schema.createTable('payout_events', (t) => {
    t.increments('id').primary();
    t.string('provider', 16).notNullable();
    t.string('event_id', 80).notNullable();
    t.integer('payout_id').nullable();
    t.string('outcome', 32).notNullable();
    t.bigInteger('received_at').notNullable();
    // One provider event is applied once, however many copies arrive.
    t.unique(['provider', 'event_id']);
  });

  // Loans on their way to the borrower (or whose payout failed) are open: still one per borrower.
  await knex.raw('drop index loans_one_open_per_borrower');
  await knex.raw(
    "create unique index loans_one_open_per_borrower on loans (borrower_id) where status in ('awaiting_confirmation', 'in_review', 'paying_out', 'payout_failed', 'disbursed')",
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index loans_one_open_per_borrower');
  await knex.raw(
    "create unique index loans_one_open_per_borrower on loans (borrower_id) where status in ('awaiting_confirmation', 'in_review', 'disbursed')",
  );
  await knex.schema.dropTable('payout_events');
  await knex.schema.dropTable('payouts');
}
