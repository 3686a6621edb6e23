import { createStaff } from '../src/services/accounts.ts';
import { systemClock } from '../src/clock.ts';
import { runAccountCommand } from './cli.ts';

await runAccountCommand(
  'npm run staff:create -- --email agent@example.com --password "long passphrase" --role support|admin',
  { email: { type: 'string' }, password: { type: 'string' }, role: { type: 'string' } },
  async (db, v) => {
    const id = await createStaff(db, systemClock, { email: v.email!, password: v.password!, role: v.role! });
    return `created ${v.role} staff account #${id} (${v.email!.trim().toLowerCase()})`;
  },
);
