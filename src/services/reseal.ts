// After a DATA_KEY rotation: seal every stored number again with the current key, so the old key can be dropped.
import type { Config } from '../config.ts';
import type { Db } from '../data/db.ts';
import { replaceSealedAccount, sealedAccountNumbers } from '../data/repositories/bank-accounts.ts';
import { replaceSealedIdentity, sealedIdentityColumns } from '../data/repositories/identities.ts';
import { needsReseal, seal, unseal } from './data-protection.ts';

type ProtectionConfig = Pick<Config, 'dataProtection'>;

const IDENTITY_PURPOSES = { id_number_sealed: 'national_id', tax_id_sealed: 'tax_id', read_id_sealed: 'national_id' } as const;

/** Re-seals every value written with an older key; answers how many rows changed. Safe to run twice. */
export async function resealStoredNumbers(db: Db, config: ProtectionConfig): Promise<{ identities: number; accounts: number }> {
  let identities = 0;
  for (const row of await sealedIdentityColumns(db)) {
    const change: Record<string, string> = {};
    for (const [column, purpose] of Object.entries(IDENTITY_PURPOSES) as Array<[keyof typeof IDENTITY_PURPOSES, string]>) {
      const sealed = row[column];
      if (sealed && needsReseal(config, sealed)) change[column] = seal(config, purpose, unseal(config, purpose, sealed));
    }
    if (Object.keys(change).length) {
      await replaceSealedIdentity(db, row.id, change);
      identities++;
    }
  }
  let accounts = 0;
  for (const row of await sealedAccountNumbers(db)) {
    if (!needsReseal(config, row.number_sealed)) continue;
    await replaceSealedAccount(db, row.id, seal(config, 'bank_account', unseal(config, 'bank_account', row.number_sealed)));
    accounts++;
  }
  return { identities, accounts };
}
