import type { ConsolePage } from '../console-page.ts';
import type { Knex } from 'knex';
import { allRows, type Executor, firstRow, insertReturningId } from '../db.ts';

export interface ProofRow {
  id: number;
  borrower_id: number;
  bill_id: number;
  utr: string | null;
  utr_image: string | null;
  repay_image: string | null;
  status: 'pending' | 'approved' | 'rejected';
  flags: string;
  reject_code: string | null;
  reject_note: string | null;
  decided_by: number | null;
  decided_at: number | null;
  settled_amount: number | null;
  settled_purpose: string | null;
  created_at: number;
}

/** A proof in the review queue, with its borrower's phone and its bill's status. */
export interface QueuedProof extends ProofRow {
  phone: string;
  bill_status: 'open' | 'repaid' | 'cancelled' | null;
}

/** Proof images (path, proof, fingerprints), newest first; one indexed join per image column. */
export function proofImages(
  db: Executor,
  where: (q: Knex.QueryBuilder) => void,
  limit: number,
): Promise<Array<{ proofId: number; sha256: string; phash: string }>> {
  const side = (column: 'utr_image' | 'repay_image') =>
    db('proofs as p').join('uploads as u', 'u.path', `p.${column}`).select('p.id as proofId', 'u.sha256', 'u.phash').modify(where);
  return db
    .select('*')
    .from(side('utr_image').unionAll(side('repay_image')).as('images'))
    .orderBy('proofId', 'desc')
    .limit(limit) as Promise<Array<{ proofId: number; sha256: string; phash: string }>>;
}

/** Live (not rejected) proofs giving this UTR, oldest first. */
export function liveProofsWithUtr(db: Executor, utr: string): Promise<Array<Pick<ProofRow, 'id' | 'borrower_id'>>> {
  return db<ProofRow>('proofs').where({ utr }).whereNot({ status: 'rejected' }).orderBy('id').select('id', 'borrower_id');
}

export function insertProof(
  db: Executor,
  row: Pick<ProofRow, 'borrower_id' | 'bill_id' | 'utr' | 'utr_image' | 'repay_image' | 'status' | 'flags' | 'created_at'>,
): Promise<number> {
  return insertReturningId(db, 'proofs', row);
}

export function findProof(db: Executor, id: number): Promise<ProofRow | undefined> {
  return db<ProofRow>('proofs').where({ id }).first();
}

/** Records a decision on a proof still pending; answers whether it was (the first decision wins). */
export async function decidePendingProof(
  db: Executor,
  id: number,
  decision: Partial<Pick<ProofRow, 'status' | 'decided_by' | 'decided_at' | 'settled_amount' | 'settled_purpose' | 'reject_code' | 'reject_note'>>,
): Promise<boolean> {
  return (await db('proofs').where({ id, status: 'pending' }).update(decision)) === 1;
}

/** A bill's proofs, newest first: read on its detail page. (Exported for the query-plan test.) */
export const PROOFS_OF_BILL = 'select * from proofs where bill_id = ? order by id desc';

export function proofsOfBill(db: Executor, billId: number): Promise<readonly ProofRow[]> {
  return allRows(db, PROOFS_OF_BILL, [billId]);
}

/** Pending proofs, narrowed like a console page (by borrower or by loan); the keyset is the caller's. */
function pendingOf(db: Executor, filter: Pick<ConsolePage, 'borrowerId' | 'loanId'>) {
  const q = db('proofs').where('proofs.status', 'pending');
  if (filter.borrowerId !== undefined) q.where('proofs.borrower_id', filter.borrowerId);
  if (filter.loanId !== undefined) q.where('proofs.bill_id', db('bills').where('loan_id', filter.loanId).select('id'));
  return q;
}

/** Proofs waiting for review, oldest first, with the borrower's phone. */
export function pendingProofs(db: Executor, page: ConsolePage = { after: null, limit: 1000 }) {
  const q = pendingOf(db, page).join('borrowers', 'borrowers.id', 'proofs.borrower_id').leftJoin('bills', 'bills.id', 'proofs.bill_id');
  if (page.after !== null) q.where('proofs.id', '>', page.after);
  return q.orderBy('proofs.id', 'asc').limit(page.limit).select<QueuedProof[]>('proofs.*', 'borrowers.phone', 'bills.status as bill_status');
}

/**
 * How many proofs wait for review, narrowed like the page. Given `upTo`, it
 * counts no further: a backlog of thousands then costs what `upTo` does.
 * Read from the status index (or the borrower's).
 */
export function countPendingProofsQuery(db: Executor, filter: Pick<ConsolePage, 'borrowerId' | 'loanId'>, upTo?: number) {
  const waiting: Knex.QueryBuilder = upTo === undefined ? pendingOf(db, filter) : db.from(pendingOf(db, filter).select(db.raw('1')).limit(upTo).as('waiting'));
  return waiting.count<{ n: number | string }[]>({ n: '*' });
}

export async function countPendingProofs(db: Executor, filter: Pick<ConsolePage, 'borrowerId' | 'loanId'> = {}, upTo?: number): Promise<number> {
  const row = await countPendingProofsQuery(db, filter, upTo).first();
  return Number(row?.n ?? 0);
}
