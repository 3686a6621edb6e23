import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import knexFactory from 'knex';
import { verifyPassword } from '../src/services/passwords.ts';

const ROOT = path.resolve(import.meta.dirname, '..');

function cli(script: string, args: string[], dbFile: string) {
  return spawnSync(process.execPath, ['--import', 'tsx', `scripts/${script}.ts`, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, DATABASE_URL: dbFile },
    encoding: 'utf8',
  });
}

test('user:create and staff:create create accounts, and refuse duplicates and bad input clearly', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cuota-cli-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const dbFile = path.join(dir, 'cli.sqlite');

  const made = cli('user-create', ['--phone', '+52 55 1234 5678', '--password', 'secret1', '--quota', '3000.50'], dbFile);
  t.is(made.status, 0, made.stderr);
  t.regex(made.stdout, /created borrower #1/);

  const again = cli('user-create', ['--phone', '+525512345678', '--password', 'secret1'], dbFile);
  t.is(again.status, 1);
  t.regex(again.stderr, /already exists/);

  const badPhone = cli('user-create', ['--phone', 'call me', '--password', 'secret1'], dbFile);
  t.is(badPhone.status, 1);
  t.regex(badPhone.stderr, /phone: 6 to 15 digits/);

  const badQuota = cli('user-create', ['--phone', '5599999999', '--password', 'secret1', '--quota=-5'], dbFile);
  t.is(badQuota.status, 1);
  t.regex(badQuota.stderr, /quota/);

  const missing = cli('user-create', ['--phone', '5599999999'], dbFile);
  t.is(missing.status, 2);
  t.regex(missing.stderr, /missing --password/);

  const staff = cli('staff-create', ['--email', 'Agent@Example.com', '--password', 'a long passphrase', '--role', 'support'], dbFile);
  t.is(staff.status, 0, staff.stderr);
  const dupStaff = cli('staff-create', ['--email', 'agent@example.com', '--password', 'a long passphrase', '--role', 'admin'], dbFile);
  t.is(dupStaff.status, 1);
  t.regex(dupStaff.stderr, /already exists/);
  const badRole = cli('staff-create', ['--email', 'b@example.com', '--password', 'a long passphrase', '--role', 'boss'], dbFile);
  t.is(badRole.status, 1);
  t.regex(badRole.stderr, /role: support or admin/);
  const shortPw = cli('staff-create', ['--email', 'c@example.com', '--password', 'short', '--role', 'admin'], dbFile);
  t.is(shortPw.status, 1);
  t.regex(shortPw.stderr, /password/);

  const db = knexFactory({ client: 'better-sqlite3', connection: { filename: dbFile }, useNullAsDefault: true });
  t.teardown(() => db.destroy());
  const borrowers = await db('borrowers');
  t.is(borrowers.length, 1);
  t.like(borrowers[0], { phone: '+525512345678', quota: 300_050 });
  t.true(await verifyPassword('secret1', borrowers[0].password_hash));
  t.false(await verifyPassword('secret2', borrowers[0].password_hash));
  t.deepEqual(await db('staff').select('email', 'role'), [{ email: 'agent@example.com', role: 'support' }]);
});
