import type { Eligibility } from '../../domain/products.ts';
import { allRows, type Executor, insertReturningId } from '../db.ts';

export interface ProductRow {
  id: number;
  code: string;
  current_version: number;
  created_at: number;
  updated_at: number;
}

/** One immutable version of a product's figures. */
export interface ProductVersionRow {
  id: number;
  product_id: number;
  version: number;
  name_en: string;
  name_es: string;
  min_amount: number;
  max_amount: number;
  amount_step: number;
  terms: string;
  default_term: number;
  loan_rate_ppm: number;
  repay_rate_ppm: number;
  overdue_rate_ppm: number;
  overdue_cap_ppm: number;
  delay_max: number;
  eligibility: Eligibility;
  open: boolean | number;
  created_by: number | null;
  created_at: number;
}

export type NewProductVersion = Omit<ProductVersionRow, 'id'>;

/** A version row with its product's code and current version. */
export type ProductVersionWithProduct = ProductVersionRow & { code: string; current_version: number };

const WITH_PRODUCT = ['product_versions.*', 'products.code', 'products.current_version'];

export function countProducts(db: Executor): Promise<number> {
  return db('products')
    .count<{ n: number | string }[]>({ n: '*' })
    .then((rows) => Number(rows[0]?.n ?? 0));
}

export function insertProduct(db: Executor, row: Omit<ProductRow, 'id'>): Promise<number> {
  return insertReturningId(db, 'products', row);
}

export function insertProductVersion(db: Executor, row: NewProductVersion): Promise<number> {
  return insertReturningId(db, 'product_versions', row);
}

export function findProduct(db: Executor, id: number): Promise<ProductRow | undefined> {
  return db<ProductRow>('products').where({ id }).first();
}

/**
 * Moves a product to its next version only if it is still at `from`; answers
 * whether this call moved it (a concurrent edit may have won).
 */
export async function advanceProductVersion(db: Executor, id: number, from: number, at: number): Promise<boolean> {
  const changed = await db('products').where({ id, current_version: from }).update({ current_version: from + 1, updated_at: at });
  return changed === 1;
}

const CURRENT_VERSIONS = `select product_versions.*, products.code, products.current_version from product_versions
  join products on products.id = product_versions.product_id and products.current_version = product_versions.version
  order by products.id asc`;

/** Every product's current version, oldest product first (a kept read: every signed-in page asks). */
export function currentProductVersions(db: Executor): Promise<readonly ProductVersionWithProduct[]> {
  return allRows(db, CURRENT_VERSIONS, []);
}

/** One version of one product (the one a loan was priced with), whatever came after. */
export function findProductVersion(db: Executor, productId: number, version: number): Promise<ProductVersionWithProduct | undefined> {
  return db('product_versions')
    .join('products', 'products.id', 'product_versions.product_id')
    .where({ 'product_versions.product_id': productId, 'product_versions.version': version })
    .first(WITH_PRODUCT);
}

/** Every version of a product, newest first. */
export function productHistory(db: Executor, productId: number): Promise<ProductVersionRow[]> {
  return db<ProductVersionRow>('product_versions').where({ product_id: productId }).orderBy('version', 'desc');
}
