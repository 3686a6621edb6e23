// npm run cluster [-- --processes N] [--port 8080]: PostgreSQL (throwaway, or
// DATABASE_URL), N portal processes (default: the number of cores) and nginx in front,
// all on 127.0.0.1. Ctrl-C (or SIGTERM) stops nginx, then each portal (gracefully),
// then PostgreSQL, and removes the throwaway files.
import os from 'node:os';
import { parseArgs } from 'node:util';
import { startCluster } from './cluster-kit.ts';

const { values } = parseArgs({
  options: {
    processes: { type: 'string', default: String(os.availableParallelism()) },
    port: { type: 'string', default: '8080' },
    help: { type: 'boolean' },
  },
});
const processes = Number(values.processes);
const port = Number(values.port);
if (values.help || !Number.isInteger(processes) || processes < 1 || processes > 64 || !Number.isInteger(port) || port < 0 || port > 65535) {
  console.error('usage: npm run cluster -- [--processes N (1-64)] [--port 8080]   (DATABASE_URL=postgres://... to use your own database)');
  process.exit(values.help ? 0 : 2);
}
const databaseUrl = process.env.DATABASE_URL && /^postgres(ql)?:\/\//.test(process.env.DATABASE_URL) ? process.env.DATABASE_URL : undefined;

const log = (line: string) => console.log(`cluster: ${line}`);
const cluster = await startCluster({ processes, port, databaseUrl, log });
log(`ready: open ${cluster.url} (Ctrl-C stops everything)`);
log(`metrics (from this machine only, METRICS_ALLOW): ${cluster.portals.map((p) => `${p.url}/metrics`).join(' ')}`);
// The portals run in production mode: no demo accounts, no outbox. A first borrower and staff member:
log(`accounts: DATABASE_URL='${cluster.databaseUrl}' npm run user:create -- --phone 5512345678 --password 'a long passphrase'`);
log(`          DATABASE_URL='${cluster.databaseUrl}' npm run staff:create -- --email lead@example.com --password 'a long passphrase' --role admin`);

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  log(`${signal}: stopping nginx, the portals, then PostgreSQL`);
  await cluster.stop();
  log('stopped');
  process.exit(0);
};
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
