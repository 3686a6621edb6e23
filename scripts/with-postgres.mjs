#!/usr/bin/env node
// Runs a command (by default the test suite) against a real PostgreSQL server.
// With TEST_DATABASE_URL set, that server is used (each test file creates and
// drops its own database in it). Otherwise a throwaway cluster is created with
// Debian's PostgreSQL binaries in a temp directory, listening on 127.0.0.1 only,
// and removed afterwards.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const command = process.argv.slice(2);
if (!command.length) command.push('ava');

function run(cmd, args, env) {
  const result = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  return result.status ?? 1;
}

function npxCommand(args) {
  // `ava ...` resolves from node_modules/.bin, like an npm script would.
  const bin = path.resolve('node_modules/.bin', args[0]);
  return fs.existsSync(bin) ? [bin, ...args.slice(1)] : args;
}

if (process.env.TEST_DATABASE_URL) {
  const [cmd, ...args] = npxCommand(command);
  process.exit(run(cmd, args, {}));
}

function pgBinDir() {
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root) ? fs.readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) {
    const dir = path.join(root, v, 'bin');
    if (fs.existsSync(path.join(dir, 'initdb'))) return dir;
  }
  console.error('with-postgres: no PostgreSQL server found (apt-get install -y postgresql), or set TEST_DATABASE_URL');
  process.exit(1);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const bin = pgBinDir();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cuota-pg-'));
const data = path.join(dir, 'data');
const asRoot = process.getuid?.() === 0;
// PostgreSQL refuses to run as root: run its tools as the postgres user.
const pgTool = (tool, args) => {
  const full = path.join(bin, tool);
  if (asRoot) execFileSync('runuser', ['-u', 'postgres', '--', full, ...args], { stdio: 'pipe' });
  else execFileSync(full, args, { stdio: 'pipe' });
};
if (asRoot) execFileSync('chown', ['postgres:postgres', dir]);

const port = await freePort();
let code = 1;
try {
  pgTool('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  pgTool('pg_ctl', [
    '-D', data, '-w', '-l', path.join(dir, 'server.log'),
    '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`,
    'start',
  ]);
  const [cmd, ...args] = npxCommand(command);
  code = run(cmd, args, { TEST_DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/postgres` });
} catch (err) {
  console.error('with-postgres: could not start PostgreSQL:', err.stderr?.toString() || err.message);
  const log = path.join(dir, 'server.log');
  if (fs.existsSync(log)) console.error(fs.readFileSync(log, 'utf8'));
} finally {
  try {
    pgTool('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
  } catch {
    // already stopped or never started
  }
  fs.rmSync(dir, { recursive: true, force: true });
}
process.exit(code);
