import { loadConfig } from '../src/config.ts';
import { marketProfile } from '../src/domain/markets/index.ts';
import { createBorrower } from '../src/services/accounts.ts';
import { systemClock } from '../src/clock.ts';
import { runAccountCommand } from './cli.ts';

await runAccountCommand(
  'npm run user:create -- --phone 5512345678 --password secret [--quota 5000.00]',
  { phone: { type: 'string' }, password: { type: 'string' }, quota: { type: 'string', default: '5000.00' } },
  async (db, v) => {
    // The market's phone rule (India: 10 digits from 6; Nigeria: 0 and 10 digits), as sign-up applies it.
    const id = await createBorrower(db, systemClock, { phone: v.phone!, password: v.password!, quota: v.quota! }, marketProfile(loadConfig().market).phone.normalize);
    return `created borrower #${id} (${v.phone}) with quota ${v.quota}`;
  },
);
