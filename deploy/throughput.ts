// Throughput of 1 vs N portal processes through nginx on PostgreSQL (README, "Running
// several processes"): for each count, a fresh cluster, one signed-in borrower, and
// autocannon on GET /Repay/loans (session, borrower, loan: the app's hottest read) and
// GET /Index/login (a rendered page) through nginx. Run on an otherwise idle machine.
//   npx tsx deploy/throughput.ts [--processes 1,2] [--seconds 15] [--connections 50]
import os from 'node:os';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { startCluster } from './cluster-kit.ts';
import { openDatabase } from '../src/data/db.ts';
import { insertBorrower } from '../src/data/repositories/borrowers.ts';
import { hashPassword } from '../src/services/passwords.ts';

const { values } = parseArgs({
  options: {
    processes: { type: 'string', default: `1,${os.availableParallelism()}` },
    seconds: { type: 'string', default: '15' },
    connections: { type: 'string', default: '50' },
  },
});
const counts = values.processes.split(',').map(Number);
const duration = Number(values.seconds);
const connections = Number(values.connections);

const results: Array<Record<string, string | number>> = [];
for (const processes of counts) {
  const cluster = await startCluster({ processes, port: 0, env: { KYC_REQUIRED: 'false', LOG_LEVEL: 'warn' } });
  try {
    const db = openDatabase({ client: 'pg', url: cluster.databaseUrl });
    const now = Date.now();
    await insertBorrower(db, { phone: '5512340000', password_hash: await hashPassword('bench-password'), quota: 500_000, created_at: now, updated_at: now });
    await db.destroy();
    const signIn = await fetch(`${cluster.url}/Index/ajaxSignIn`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Requested-With': 'XMLHttpRequest' },
      body: 'username=5512340000&password=bench-password',
    });
    const cookie = signIn.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    for (const [name, path, headers] of [
      ['GET /Repay/loans (JSON, signed in)', '/Repay/loans', { Cookie: cookie, 'X-Requested-With': 'XMLHttpRequest' }],
      ['GET /Index/login (page)', '/Index/login', { Accept: 'text/html', 'Accept-Encoding': 'br' }],
    ] as const) {
      // A short warm-up (JIT, pools), then the measured run.
      await autocannon({ url: cluster.url + path, connections, duration: 3, headers });
      const r = await autocannon({ url: cluster.url + path, connections, duration, headers });
      results.push({ processes, request: name, 'req/s': Math.round(r.requests.average), 'p50 ms': r.latency.p50, 'p99 ms': r.latency.p99, errors: r.errors + r.non2xx });
    }
  } finally {
    await cluster.stop();
  }
}
console.log(`${os.availableParallelism()} cores, load average before: ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
console.table(results);
