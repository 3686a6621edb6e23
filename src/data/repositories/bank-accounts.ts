import { type Executor, insertReturningId } from '../db.ts';

export interface BankAccountRow {
  id: number;
  borrower_id: number;
  bank_code: string;
  number_sealed: string;
  number_hash: string;
  verified_hash: string | null;
  last4: string;
  holder_name: string | null;
  status: 'pending' | 'verified' | 'rejected';
  reason: string | null;
  is_default: boolean | number;
  created_at: number;
  checked_at: number | null;
}

/** A borrower's accounts, the default first, then newest first. */
export function accountsOf(db: Executor, borrowerId: number): Promise<BankAccountRow[]> {
  return db<BankAccountRow>('bank_accounts').where({ borrower_id: borrowerId }).orderBy([{ column: 'is_default', order: 'desc' }, { column: 'id', order: 'desc' }]);
}

/** One of the borrower's own accounts (someone else's id finds nothing). */
export function findOwnAccount(db: Executor, borrowerId: number, id: number): Promise<BankAccountRow | undefined> {
  return db<BankAccountRow>('bank_accounts').where({ borrower_id: borrowerId, id }).first();
}

/** Any row with this account number's keyed hash (the borrower's own or anyone's). */
export function accountsByHash(db: Executor, hash: string): Promise<BankAccountRow[]> {
  return db<BankAccountRow>('bank_accounts').where({ number_hash: hash });
}

export function insertAccount(db: Executor, row: Omit<BankAccountRow, 'id'>): Promise<number> {
  return insertReturningId(db, 'bank_accounts', row);
}

/** Records a new answer of the holder check on an existing account. */
export async function updateAccountCheck(db: Executor, id: number, change: Pick<BankAccountRow, 'holder_name' | 'status' | 'reason' | 'verified_hash' | 'checked_at'>): Promise<void> {
  await db('bank_accounts').where({ id }).update(change);
}

/** Every account's sealed number, for re-sealing after a key rotation. */
export function sealedAccountNumbers(db: Executor): Promise<Array<Pick<BankAccountRow, 'id' | 'number_sealed'>>> {
  return db('bank_accounts').select('id', 'number_sealed').orderBy('id');
}

/** Replaces one account's sealed number (same number, a newer key). */
export async function replaceSealedAccount(db: Executor, id: number, numberSealed: string): Promise<void> {
  await db('bank_accounts').where({ id }).update({ number_sealed: numberSealed });
}

/** Makes one verified account the borrower's default and every other one not. */
export async function makeDefault(db: Executor, borrowerId: number, id: number): Promise<void> {
  await db('bank_accounts').where({ borrower_id: borrowerId }).whereNot({ id }).update({ is_default: false });
  await db('bank_accounts').where({ borrower_id: borrowerId, id }).update({ is_default: true });
}

/** The borrower's default account, if any. */
export function defaultAccount(db: Executor, borrowerId: number): Promise<BankAccountRow | undefined> {
  return db<BankAccountRow>('bank_accounts').where({ borrower_id: borrowerId, is_default: true }).first();
}
