import type { Knex } from 'knex';

/**
 * A UTR is unique per borrower among live proofs, no longer across everyone:
 * another borrower's proof with the same UTR goes to staff flagged, so a UTR
 * can neither be probed ("already used") nor squatted (blocking its owner).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('drop index proofs_utr_once');
  await knex.raw("create unique index proofs_utr_per_borrower on proofs (borrower_id, utr) where utr is not null and status <> 'rejected'");
  await knex.raw('create index proofs_utr on proofs (utr)');
  // One transfer settles once: only one proof per UTR can ever be approved.
  await knex.raw("create unique index proofs_utr_approved_once on proofs (utr) where utr is not null and status = 'approved'");
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index proofs_utr_approved_once');
  await knex.raw('drop index proofs_utr');
  await knex.raw('drop index proofs_utr_per_borrower');
  await knex.raw("create unique index proofs_utr_once on proofs (utr) where utr is not null and status <> 'rejected'");
}
