import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import { type Db, type Executor, isUniqueViolation } from '../data/db.ts';
import { countLoansInStates } from '../data/repositories/loans.ts';
import {
  advanceProductVersion,
  countProducts,
  currentProductVersions,
  findProduct,
  findProductVersion,
  insertProduct,
  insertProductVersion,
  productHistory,
  type ProductVersionRow,
  type ProductVersionWithProduct,
} from '../data/repositories/products.ts';
import { offeredProducts, productChanges, productProblems, productRefusal, type ProductTerms, type ProductVersion } from '../domain/products.ts';
import { AppError, invalidInput, notFound } from '../errors.ts';
import { audit } from './audit.ts';

type SeedConfig = Pick<Config, 'product' | 'quotaGrowth' | 'delayMax'>;

/** The code of the product today's environment variables seed. */
export const DEFAULT_PRODUCT_CODE = 'default';

/** A version row as the domain's product version. */
export function toProductVersion(row: ProductVersionWithProduct): ProductVersion {
  return {
    productId: row.product_id,
    code: row.code,
    version: row.version,
    currentVersion: row.current_version,
    nameEn: row.name_en,
    nameEs: row.name_es,
    terms: row.terms.split(',').map(Number),
    defaultTerm: row.default_term,
    minAmount: row.min_amount,
    maxAmount: row.max_amount,
    amountStep: row.amount_step,
    loanRatePpm: row.loan_rate_ppm,
    repayRatePpm: row.repay_rate_ppm,
    overdueRatePpm: row.overdue_rate_ppm,
    overdueCapPpm: row.overdue_cap_ppm,
    delayMax: row.delay_max,
    eligibility: row.eligibility,
    open: Boolean(row.open),
  };
}

/** Just the figures of a version (what a change compares and stores). */
export function termsOf(v: ProductTerms): ProductTerms {
  const { nameEn, nameEs, terms, defaultTerm, minAmount, maxAmount, amountStep, loanRatePpm, repayRatePpm, overdueRatePpm, overdueCapPpm, delayMax, eligibility, open } = v;
  return { nameEn, nameEs, terms, defaultTerm, minAmount, maxAmount, amountStep, loanRatePpm, repayRatePpm, overdueRatePpm, overdueCapPpm, delayMax, eligibility, open };
}

function versionRow(t: ProductTerms, productId: number, version: number, staffId: number | null, at: number): Omit<ProductVersionRow, 'id'> {
  return {
    product_id: productId,
    version,
    name_en: t.nameEn,
    name_es: t.nameEs,
    min_amount: t.minAmount,
    max_amount: t.maxAmount,
    amount_step: t.amountStep,
    terms: t.terms.join(','),
    default_term: t.defaultTerm,
    loan_rate_ppm: t.loanRatePpm,
    repay_rate_ppm: t.repayRatePpm,
    overdue_rate_ppm: t.overdueRatePpm,
    overdue_cap_ppm: t.overdueCapPpm,
    delay_max: t.delayMax,
    eligibility: t.eligibility,
    open: t.open,
    created_by: staffId,
    created_at: at,
  };
}

/** The default product as today's environment describes it (PRODUCT_*, the rates, QUOTA_MAX, DELAY_MAX). */
export function productFromConfig(config: SeedConfig): ProductTerms {
  const p = config.product;
  return {
    nameEn: 'Cash loan',
    nameEs: 'Préstamo en efectivo',
    terms: p.terms,
    defaultTerm: p.defaultTerm,
    minAmount: p.minAmount,
    maxAmount: config.quotaGrowth.max,
    amountStep: p.amountStep,
    loanRatePpm: p.loanRatePpm,
    repayRatePpm: p.repayRatePpm,
    overdueRatePpm: p.overdueRatePpm,
    overdueCapPpm: p.overdueCapPpm,
    delayMax: config.delayMax,
    eligibility: 'everyone',
    open: true,
  };
}

const seeded = new WeakMap<object, Promise<void>>();

/**
 * The first start seeds the default product from the environment; after that
 * the products table is the truth and the console changes it. Idempotent:
 * it does nothing once any product exists, and two processes starting at once
 * seed one product (its code is unique). Runs at most once per database handle.
 */
export function ensureDefaultProduct(db: Db, clock: Clock, config: SeedConfig): Promise<void> {
  let done = seeded.get(db);
  if (!done) {
    done = seedDefaultProduct(db, clock, config).catch((err) => {
      seeded.delete(db);
      throw err;
    });
    seeded.set(db, done);
  }
  return done;
}

async function seedDefaultProduct(db: Db, clock: Clock, config: SeedConfig): Promise<void> {
  if ((await countProducts(db)) > 0) return;
  const now = clock.now().getTime();
  try {
    await db.transaction(async (trx) => {
      const id = await insertProduct(trx, { code: DEFAULT_PRODUCT_CODE, current_version: 1, created_at: now, updated_at: now });
      await insertProductVersion(trx, versionRow(productFromConfig(config), id, 1, null, now));
    });
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
  }
}

/** Every product's current version (the console's list, the borrower's choice before filtering). */
export async function currentProducts(db: Db, clock: Clock, config: SeedConfig): Promise<ProductVersion[]> {
  await ensureDefaultProduct(db, clock, config);
  return (await currentProductVersions(db)).map(toProductVersion);
}

/** How many loans a borrower has repaid: what first-loan and repeat products look at. */
export function repaidLoans(db: Executor, borrowerId: number): Promise<number> {
  return countLoansInStates(db, borrowerId, ['repaid'], 0);
}

/** The products a borrower may choose from now (open and eligible), oldest first. */
export async function productsOffered(db: Db, clock: Clock, config: SeedConfig, borrowerId: number): Promise<ProductVersion[]> {
  const [all, repaid] = await Promise.all([currentProducts(db, clock, config), repaidLoans(db, borrowerId)]);
  return offeredProducts(all, repaid);
}

/** What a visitor is shown: the first product open to someone who never borrowed (undefined when none is). */
export async function productForVisitors(db: Db, clock: Clock, config: SeedConfig): Promise<ProductVersion | undefined> {
  return offeredProducts(await currentProducts(db, clock, config), 0)[0];
}

/**
 * The product a borrower's request names (`product_id`), or without one the
 * first product offered to them. An unknown, closed or ineligible product is
 * refused (422 on `product_id`), as is a borrower offered none (409).
 */
export async function chooseProduct(db: Db, clock: Clock, config: SeedConfig, borrowerId: number, productId: number | undefined): Promise<ProductVersion> {
  const [all, repaid] = await Promise.all([currentProducts(db, clock, config), repaidLoans(db, borrowerId)]);
  if (productId === undefined) {
    const first = offeredProducts(all, repaid)[0];
    if (!first) throw new AppError(409, 'no_product', 'errors.no_product');
    return first;
  }
  const chosen = all.find((p) => p.productId === productId);
  if (!chosen) throw invalidInput({ product_id: 'errors.product_unknown' });
  const refusal = productRefusal(chosen, repaid);
  if (refusal) throw invalidInput({ product_id: refusal });
  return chosen;
}

/** One version of a product, as a loan names it. */
export async function productVersion(db: Executor, productId: number, version: number): Promise<ProductVersion | undefined> {
  const row = await findProductVersion(db, productId, version);
  return row && toProductVersion(row);
}

/** A product's current version and its history, for the console. */
export async function productForStaff(db: Db, clock: Clock, config: SeedConfig, productId: number) {
  await ensureDefaultProduct(db, clock, config);
  const product = await findProduct(db, productId);
  if (!product) throw notFound();
  const current = (await productVersion(db, productId, product.current_version))!;
  const history = await productHistory(db, productId);
  return { current, history };
}

interface StaffAction {
  staffId: number;
  address: string;
}

function assertValid(t: ProductTerms): void {
  const problems = productProblems(t);
  if (Object.keys(problems).length > 0) throw invalidInput(problems);
}

const changed = () => new AppError(409, 'product_changed', 'errors.product_changed');

/** A new product at version 1, audited with its figures; its code must be new (422 on `code`). */
export async function createProduct(db: Db, clock: Clock, config: SeedConfig, who: StaffAction, code: string, terms: ProductTerms): Promise<number> {
  assertValid(terms);
  // The default product comes first, whatever an admin creates before any borrower asked for one.
  await ensureDefaultProduct(db, clock, config);
  const now = clock.now().getTime();
  try {
    return await db.transaction(async (trx) => {
      const id = await insertProduct(trx, { code, current_version: 1, created_at: now, updated_at: now });
      await insertProductVersion(trx, versionRow(terms, id, 1, who.staffId, now));
      await audit(trx, clock, { ...who, action: 'create_product', subject: `product:${id}`, detail: { version: 1, before: null, after: { code, ...terms } } });
      return id;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw invalidInput({ code: 'errors.product_code_taken' });
    throw err;
  }
}

/**
 * A change to a product (its figures, or opening and closing it) as a new
 * version, made only from the version the admin saw (`expected`): the
 * version row's unique (product, version) and the conditional move of
 * `current_version` let exactly one of two simultaneous saves through; the
 * other is refused (409) and changes nothing. The version a loan points to
 * is never edited. Audited in the same transaction with before and after.
 */
export async function changeProduct(
  db: Db,
  clock: Clock,
  config: SeedConfig,
  who: StaffAction,
  productId: number,
  expected: number,
  change: (current: ProductTerms) => ProductTerms,
  action: 'edit_product' | 'open_product' | 'close_product',
): Promise<number> {
  await ensureDefaultProduct(db, clock, config);
  const now = clock.now().getTime();
  try {
    return await db.transaction(async (trx) => {
      const product = await findProduct(trx, productId);
      if (!product) throw notFound();
      if (product.current_version !== expected) throw changed();
      const current = await productVersion(trx, productId, expected);
      const before = termsOf(current!);
      const after = change(before);
      assertValid(after);
      const diff = productChanges(before, after);
      if (Object.keys(diff).length === 0) throw new AppError(422, 'product_unchanged', 'errors.product_unchanged');
      const version = expected + 1;
      await insertProductVersion(trx, versionRow(after, productId, version, who.staffId, now));
      if (!(await advanceProductVersion(trx, productId, expected, now))) throw changed();
      await audit(trx, clock, { ...who, action, subject: `product:${productId}`, detail: { version, changes: diff } });
      return version;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw changed();
    throw err;
  }
}
