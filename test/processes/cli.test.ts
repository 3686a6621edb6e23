import { spawn, spawnSync } from 'node:child_process';
import test from 'ava';
import { verifyPassword } from '../../src/services/passwords.ts';
import { ROOT } from '../helpers/process.ts';
import { freshDatabase } from '../helpers/server.ts';

// The account commands (scripts/*-create.ts) as real processes.

function cli(script: string, args: string[], databaseUrl: string) {
  return spawnSync(process.execPath, ['--import', 'tsx', `scripts/${script}.ts`, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, DATABASE_URL: databaseUrl },
    encoding: 'utf8',
  });
}

test('user:create and staff:create create accounts, and refuse duplicates and bad input clearly', async (t) => {
  const database = await freshDatabase();
  t.teardown(() => database.drop());
  const url = database.url;

  const made = cli('user-create', ['--phone', '+52 55 1234 5678', '--password', 'secret1', '--quota', '3000.50'], url);
  t.is(made.status, 0, made.stderr);
  t.regex(made.stdout, /created borrower #1/);

  const again = cli('user-create', ['--phone', '+525512345678', '--password', 'secret1'], url);
  t.is(again.status, 1);
  t.regex(again.stderr, /already exists/);

  const badPhone = cli('user-create', ['--phone', 'call me', '--password', 'secret1'], url);
  t.is(badPhone.status, 1);
  t.regex(badPhone.stderr, /phone: 6 to 15 digits/);

  const badQuota = cli('user-create', ['--phone', '5599999999', '--password', 'secret1', '--quota=-5'], url);
  t.is(badQuota.status, 1);
  t.regex(badQuota.stderr, /quota/);

  const missing = cli('user-create', ['--phone', '5599999999'], url);
  t.is(missing.status, 2);
  t.regex(missing.stderr, /missing --password/);

  const staff = cli('staff-create', ['--email', 'Agent@Example.com', '--password', 'a long passphrase', '--role', 'support'], url);
  t.is(staff.status, 0, staff.stderr);
  const dupStaff = cli('staff-create', ['--email', 'agent@example.com', '--password', 'a long passphrase', '--role', 'admin'], url);
  t.is(dupStaff.status, 1);
  t.regex(dupStaff.stderr, /already exists/);
  const badRole = cli('staff-create', ['--email', 'b@example.com', '--password', 'a long passphrase', '--role', 'boss'], url);
  t.is(badRole.status, 1);
  t.regex(badRole.stderr, /role: support or admin/);
  const shortPw = cli('staff-create', ['--email', 'c@example.com', '--password', 'short', '--role', 'admin'], url);
  t.is(shortPw.status, 1);
  t.regex(shortPw.stderr, /password/);

  const { db } = database;
  const borrowers = await db('borrowers');
  t.is(borrowers.length, 1);
  t.like(borrowers[0], { phone: '+525512345678', quota: 300_050 });
  t.true(await verifyPassword('secret1', borrowers[0].password_hash));
  t.false(await verifyPassword('secret2', borrowers[0].password_hash));
  t.deepEqual(await db('staff').select('email', 'role'), [{ email: 'agent@example.com', role: 'support' }]);
});

test('two staff:create at once: one account, and the other gets one clear line, no stack, no hash', async (t) => {
  const database = await freshDatabase();
  t.teardown(() => database.drop());
  const run = (email: string) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/staff-create.ts', '--email', email, '--password', 'a long passphrase', '--role', 'admin'], {
        cwd: ROOT,
        env: { PATH: process.env.PATH, DATABASE_URL: database.url },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c) => (stdout += c));
      child.stderr.on('data', (c) => (stderr += c));
      child.on('exit', (code) => resolve({ code, stdout, stderr }));
    });
  const both = await Promise.all([run('twice@example.com'), run('twice@example.com')]);
  t.deepEqual(both.map((r) => r.code).sort(), [0, 1]);
  const loser = both.find((r) => r.code === 1)!;
  t.is(loser.stderr, 'error: a staff account for twice@example.com already exists\n');
});

test('an account command whose output pipe closes exits quietly', async (t) => {
  const database = await freshDatabase();
  t.teardown(() => database.drop());
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/staff-create.ts', '--email', 'pipe@example.com', '--password', 'a long passphrase', '--role', 'admin'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, DATABASE_URL: database.url },
  });
  child.stdout.destroy(); // the reader went away (`| head -0`)
  let stderr = '';
  child.stderr.on('data', (c) => (stderr += c));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  t.is(stderr, '');
  t.is(code, 0);
  t.truthy(await database.db('staff').where({ email: 'pipe@example.com' }).first());
});
