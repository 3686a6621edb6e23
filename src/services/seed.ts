import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Db } from '../data/db.ts';
import { countBorrowers } from '../data/repositories/borrowers.ts';
import { createBorrower, createStaff } from './accounts.ts';

export const DEMO_BORROWER = { phone: '9680304707', password: '123456' } as const;
export const DEMO_STAFF = { email: 'support@cuota.test', password: 'cuota-support-demo', role: 'admin' } as const;

/**
 * Outside production, an empty database gets the demo borrower (the spec's test
 * user) and a demo staff account, so the quick start has someone to sign in as.
 * Returns whether it seeded.
 */
export async function seedDemoAccounts(db: Db, clock: Clock, config: Pick<Config, 'env' | 'product'>): Promise<boolean> {
  if (config.env === 'production' || (await countBorrowers(db)) > 0) return false;
  await db.transaction(async (trx) => {
    await createBorrower(trx, clock, { ...DEMO_BORROWER, quota: config.product.quota });
    await createStaff(trx, clock, DEMO_STAFF);
  });
  return true;
}
