import { loadConfig } from '../src/config.ts';
import { resealStoredNumbers } from '../src/services/reseal.ts';
import { runAccountCommand } from './cli.ts';

// After putting a new key first in DATA_KEY: seal every stored ID and account number with it.
await runAccountCommand('npm run data:reseal', {}, async (db) => {
  const config = loadConfig();
  const done = await resealStoredNumbers(db, config);
  return `re-sealed with key ${config.dataProtection.keys[0]!.id}: ${done.identities} identities, ${done.accounts} bank accounts`;
});
