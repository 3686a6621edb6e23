import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Db } from '../data/db.ts';
import { countBorrowers } from '../data/repositories/borrowers.ts';
import { type MarketCode, marketProfile } from '../domain/markets/index.ts';
import { createBorrower, createStaff } from './accounts.ts';
import { recordVerifiedAccount } from './bank-accounts.ts';
import { recordVerifiedIdentity } from './identity.ts';

export const DEMO_BORROWER = { phone: '9680304707', password: '123456' } as const;
/** The demo borrower's verified identity and default account (a valid CURP and CLABE, nobody's real ones). */
export const DEMO_IDENTITY = {
  fullName: 'Demo Borrower',
  birthDate: '1990-01-01',
  idNumber: 'DEMO900101HDFRRN07',
  state: 'DF',
  city: 'DF-04',
  employment: 'employed',
  income: '10k_20k',
  clabe: '012180000123456782',
} as const;
type DemoPerson = { [K in Exclude<keyof typeof DEMO_IDENTITY, 'clabe'>]: string };

/**
 * Each market's demo borrower: a phone, identity number and account valid for
 * the market (nobody's real ones). India: a personal PAN and an HDFC account
 * whose IFSC is in the shipped branch sample; Nigeria: a BVN and a GT Bank
 * NUBAN whose check digit holds.
 */
export const DEMO_BY_MARKET: Readonly<Record<MarketCode, { phone: string; identity: DemoPerson; account: string }>> = {
  mx: { phone: DEMO_BORROWER.phone, identity: DEMO_IDENTITY, account: DEMO_IDENTITY.clabe },
  in: {
    phone: '9680304707',
    identity: { fullName: 'Demo Borrower', birthDate: '1990-01-01', idNumber: 'ABCPD1234E', state: 'MH', city: 'MH-01', employment: 'employed', income: '10k_20k' },
    account: 'HDFC000012350100012345678',
  },
  ng: {
    phone: '08031234567',
    identity: { fullName: 'Demo Borrower', birthDate: '1990-01-01', idNumber: '22123456789', state: 'LA', city: 'LA-01', employment: 'employed', income: '10k_20k' },
    account: '0580123456785',
  },
};

/** The demo borrower's sign-in for a market. */
export function demoBorrower(market: MarketCode): { phone: string; password: string } {
  return { phone: DEMO_BY_MARKET[market].phone, password: DEMO_BORROWER.password };
}

export const DEMO_STAFF = { email: 'support@cuota.test', password: 'cuota-support-demo', role: 'admin' } as const;

/**
 * Outside production, an empty database gets the demo borrower (the spec's test
 * user) and a demo staff account, so the quick start has someone to sign in as.
 * Returns whether it seeded.
 */
export async function seedDemoAccounts(db: Db, clock: Clock, config: Pick<Config, 'env' | 'product' | 'market' | 'dataProtection' | 'kyc' | 'timeZone' | 'uploadDir'>): Promise<boolean> {
  if (config.env === 'production' || (await countBorrowers(db)) > 0) return false;
  await db.transaction(async (trx) => {
    const demo = DEMO_BY_MARKET[config.market];
    const borrowerId = await createBorrower(trx, clock, { ...demoBorrower(config.market), quota: config.product.quota }, marketProfile(config.market).phone.normalize);
    // Seeded verified, so the quick start can borrow at once (KYC_REQUIRED).
    await recordVerifiedIdentity(trx, clock, config, borrowerId, demo.identity);
    await recordVerifiedAccount(trx, clock, config, borrowerId, demo.account, demo.identity.fullName);
    await createStaff(trx, clock, DEMO_STAFF);
  });
  return true;
}
