import { createBorrower } from '../src/services/accounts.ts';
import { systemClock } from '../src/clock.ts';
import { runAccountCommand } from './cli.ts';

await runAccountCommand(
  'npm run user:create -- --phone 5512345678 --password secret [--quota 5000.00]',
  { phone: { type: 'string' }, password: { type: 'string' }, quota: { type: 'string', default: '5000.00' } },
  async (db, v) => {
    const id = await createBorrower(db, systemClock, { phone: v.phone!, password: v.password!, quota: v.quota! });
    return `created borrower #${id} (${v.phone}) with quota ${v.quota}`;
  },
);
