// npm run soak: 2 minutes (SOAK_SECONDS) of mixed traffic from 100 simulated
// borrowers (SOAK_BORROWERS) against one portal process in production mode,
// then checks that nothing was lost, doubled or left behind. Exit status 0 =
// pass. Every request goes to 127.0.0.1 only, and the loop stops by itself.
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { memoryOf, signIn, startPortal, uploadBody } from './perf-kit.ts';
import { sqliteDriver } from '../src/runtime.ts';

const SECONDS = Number(process.env.SOAK_SECONDS ?? 120);
const BORROWERS = Number(process.env.SOAK_BORROWERS ?? 100);
const PASSWORD = 'soak-password';
// RSS is sampled every second. The first half of the run is warm-up: traced
// over 6 minutes (SOAK_TRACE=1), 100 borrowers take about 75 s to reach a
// steady working set and then stay within 370 to 430 MB. Growth compares the
// median of the third quarter with the median of the last, so one sample
// taken just before or after a garbage collection decides nothing.
const QUARTER_MS = (SECONDS * 1000) / 4;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
// Every n-th round a borrower sends a proof with a screenshot (0: never).
const UPLOAD_EVERY = Number(process.env.SOAK_UPLOAD_EVERY ?? 4);
// People pause between taps: each step waits 0 to 2x this many ms (0: a flood with no pauses).
const THINK_MS = Number(process.env.SOAK_THINK_MS ?? 200);
const think = () => (THINK_MS ? new Promise((r) => setTimeout(r, Math.random() * 2 * THINK_MS)) : Promise.resolve());

const stats = { requests: 0, serverErrors: 0, socketErrors: 0, byStatus: new Map<number, number>(), errors: new Map<string, number>() };
const latencies = new Map<string, number[]>();
// Why uploads were refused (the answer's message), with how many times.
const refusedUploads = new Map<string, number>();
/**
 * --cluster (issue 21): what the rolling restart needs to know of the traffic. Requests
 * in flight now; every failed request (5xx other than the clean 503 envelope, or a
 * socket error) with its time; the clean 503 envelopes (the database away) with theirs.
 */
const cluster = {
  inFlight: 0,
  failures: [] as Array<{ at: number; what: string }>,
  clean503: [] as number[],
  async noteServerError(res: Response, url: string): Promise<void> {
    const text = await res.text().catch(() => '');
    let envelope: { status?: unknown; data?: unknown } | null = null;
    try {
      envelope = JSON.parse(text);
    } catch {
      // not JSON: a proxy's error page, or worse
    }
    // The envelope, or on the two upload actions the `{info, status: 0, url}` one.
    const clean = envelope !== null && ((envelope.status === 503 && envelope.data === '') || (envelope.status === 0 && 'info' in envelope));
    // A browser's request gets the localized error page instead.
    const page = /^<!doctype html>/i.test(text.trimStart());
    if (res.status === 503 && (clean || page) && !/\.ts:\d+|Error:/.test(text)) this.clean503.push(Date.now());
    else this.failures.push({ at: Date.now(), what: `${res.status} ${routeOf(url)} ${text.slice(0, 80).replace(/\s+/g, ' ')}` });
  },
};
const routeOf = (url: string) => new URL(url).pathname.replace(/\/Pay\/sandbox\/\d+/, '/Pay/sandbox/<ref>').replace(/\/Pay\/\d+-[^/]+/, '/Pay/<token>');
const accepted = {
  loans: new Set<string>(),
  proofs: 0,
  uploads: new Set<string>(),
  settledReferences: new Set<string>(),
  // Every deposit the provider reported and the portal took (several per reference when split), in centavos.
  deposits: new Map<string, number[]>(),
  // What was sent beyond the reference's amount, by reference: it must show as excess, to the centavo.
  excess: new Map<string, number>(),
};
// Every third payment is split in two deposits, every third pays 12.34 too much.
const EXTRA = 1234;
const cents = (money: string) => Math.round(Number(money) * 100);
const plain = (c: number) => `${Math.trunc(c / 100)}.${String(c % 100).padStart(2, '0')}`;

async function call(url: string, init: RequestInit & { headers: Record<string, string> }): Promise<Response | null> {
  await think();
  stats.requests++;
  const started = performance.now();
  cluster.inFlight++;
  try {
    const res = await fetch(url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(30_000) });
    if (res.status >= 500) await cluster.noteServerError(res.clone(), url);
    const route = routeOf(url);
    if (!latencies.has(route)) latencies.set(route, []);
    latencies.get(route)!.push(performance.now() - started);
    stats.byStatus.set(res.status, (stats.byStatus.get(res.status) ?? 0) + 1);
    if (res.status >= 500) stats.serverErrors++;
    return res;
  } catch (err) {
    stats.socketErrors++;
    const e = err as Error & { cause?: { code?: string } };
    const key = `${URL.canParse(url) ? new URL(url).pathname.replace(/\/Pay\/[^/]+/, '/Pay/<token>') : `not a URL: ${url.slice(0, 60)}`}: ${e.cause?.code ?? e.name}`;
    stats.errors.set(key, (stats.errors.get(key) ?? 0) + 1);
    cluster.failures.push({ at: Date.now(), what: key });
    return null;
  } finally {
    cluster.inFlight--;
  }
}

async function json(res: Response | null): Promise<any> {
  if (!res) return null;
  try {
    return await res.json();
  } catch {
    return null;
  }
}

/** One simulated borrower: sign in, read, apply, confirm, pay (sandbox) or send a proof, over and over. */
async function borrower(base: string, index: number, until: number, photo: Buffer): Promise<void> {
  const phone = String(5590000000 + index);
  cluster.inFlight++;
  const cookie = await signIn(base, phone, PASSWORD).finally(() => cluster.inFlight--);
  const app = { Cookie: cookie, 'X-Requested-With': 'XMLHttpRequest', Accept: 'application/json' };
  const form = { ...app, 'Content-Type': 'application/x-www-form-urlencoded' };
  let round = 0;
  while (Date.now() < until) {
    round++;
    await call(`${base}/Repay/index.shtml`, { headers: { Cookie: cookie, Accept: 'text/html' } });
    const loans = await json(await call(`${base}/Repay/loans`, { headers: app }));
    let data = loans?.data;
    if (!data) continue;
    if (data.status === 2 || data.loan_status === 'none') {
      const applied = await call(`${base}/Loan/reLoan`, { method: 'POST', headers: form, body: 'money=1000&time=7' });
      if (applied?.status !== 200) continue;
      const confirmed = await call(`${base}/Index/ajaxApply`, { method: 'POST', headers: form, body: 'kfs_ack=1' });
      if (confirmed?.status !== 200) continue;
      data = (await json(await call(`${base}/Repay/loans`, { headers: app })))?.data;
      if (data?.oid) accepted.loans.add(data.oid);
    }
    if (!data?.oid || !data.billId) continue;
    await call(`${base}/Repay/loanDetail?oid=${data.oid}`, { headers: { Cookie: cookie, Accept: 'text/html' } });
    if (UPLOAD_EVERY && (index + round) % UPLOAD_EVERY === 0) {
      // Send a proof: upload a photo, then a UTR with it.
      const up = await json(await call(`${base}/Info/ajaxUpload`, { method: 'POST', headers: { ...app, 'Content-Type': 'multipart/form-data; boundary=S' }, body: new Uint8Array(uploadBody('S', photo)) }));
      if (up?.status === 1) accepted.uploads.add(up.info);
      else if (up) refusedUploads.set(String(up.info), (refusedUploads.get(String(up.info)) ?? 0) + 1);
      const utr = String(100000000000 + index * 100000 + round);
      const proof = await json(await call(`${base}/Repay/repayProof`, { method: 'POST', headers: form, body: `oid=${data.oid}&utr=${utr}${up?.status === 1 ? `&utr_image=${up.info}` : ''}` }));
      if (proof?.status === 1) accepted.proofs++;
      continue;
    }
    // Pay through the sandbox: payment URL, cash voucher, checkout "mark as paid" (signed notification).
    const url = (await json(await call(`${base}/Repay/payData`, { method: 'POST', headers: form, body: `oid=${data.oid}` })))?.data;
    if (typeof url !== 'string' || !url) continue;
    const voucher = (await json(await call(url, { method: 'POST', headers: { ...form }, body: 'paytype=2' })))?.data;
    if (!voucher?.checkout) continue;
    // Mark as paid, whole, in two deposits, or with too much (each deposit is its own provider event).
    const owed = cents(voucher.money);
    const mode = (index + round) % 3;
    const parts = mode === 1 && owed > 200 ? [100, owed - 100] : mode === 2 ? [owed + EXTRA] : [owed];
    for (const part of parts) {
      const paid = await json(await call(voucher.checkout, { method: 'POST', headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' }, body: `amount=${plain(part)}` }));
      if (paid?.status !== 200 || paid.outcome === 'duplicate') break;
      accepted.settledReferences.add(voucher.reference);
      accepted.deposits.set(voucher.reference, [...(accepted.deposits.get(voucher.reference) ?? []), part]);
      if (part > owed) accepted.excess.set(voucher.reference, part - owed);
    }
  }
}

/** A phone screenshot of a bank transfer, as a JPEG of about the size phones make. */
function screenshot(): Promise<Buffer> {
  const svg = `<svg width="1080" height="2340"><rect width="100%" height="100%" fill="#f4f6fa"/><rect width="100%" height="260" fill="#1f4f8a"/>${Array.from({ length: 30 }, (_, i) => `<text x="60" y="${360 + i * 64}" font-size="40" fill="#222">SPEI ${i} 0482910375516 $1,050.40</text>`).join('')}</svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 90 }).toBuffer();
}

async function main() {
  // One process, free to use both cores (the benchmark is the one that pins).
  const portal = await startPortal({ core: null, borrowers: BORROWERS, password: PASSWORD });
  // Proofs are phone screenshots (the 12 MP photo is the upload benchmark's job).
  const photo = await screenshot();
  const started = Date.now();
  const until = started + SECONDS * 1000;
  const samples: Array<{ at: number; rss: number }> = [];
  let peakRss = 0;
  const sampler = setInterval(() => {
    const { rss } = memoryOf(portal.pid);
    peakRss = Math.max(peakRss, rss);
    samples.push({ at: Date.now() - started, rss });
    // SOAK_TRACE=1 prints RSS every 15 s, to tell a leak from a slow warm-up.
    if (process.env.SOAK_TRACE && samples.length % 15 === 0) console.log(`rss at ${samples.length}s: ${rss.toFixed(0)} MB`);
  }, 1000);
  console.log(`soak: ${BORROWERS} borrowers for ${SECONDS}s against ${portal.url}`);
  await Promise.all(Array.from({ length: BORROWERS }, (_, i) => borrower(portal.url, i, until, photo)));
  clearInterval(sampler);
  await portal.stop();

  const db = new (sqliteDriver())(portal.dbFile, { readonly: true });
  const one = (sql: string, ...args: unknown[]) => db.prepare(sql).get(...args) as Record<string, number | string>;
  const checks: Array<[string, boolean, string]> = [];
  const check = (name: string, ok: boolean, detail: string) => checks.push([name, ok, detail]);

  check('zero 5xx', stats.serverErrors === 0, String(stats.serverErrors));
  check('zero socket errors', stats.socketErrors === 0, String(stats.socketErrors));
  const loanRows = new Set((db.prepare('select oid from loans').all() as Array<{ oid: string }>).map((r) => r.oid));
  check('every accepted loan is stored', [...accepted.loans].every((o) => loanRows.has(o)), `${accepted.loans.size} loans`);
  const proofCount = Number(one('select count(*) n from proofs').n);
  check('every accepted proof is stored', proofCount === accepted.proofs, `${accepted.proofs} accepted, ${proofCount} stored`);
  const uploadPaths = new Set((db.prepare('select path from uploads').all() as Array<{ path: string }>).map((r) => r.path));
  check('every accepted upload is stored, and its file exists', [...accepted.uploads].every((p) => uploadPaths.has(p) && fs.existsSync(path.join(portal.uploadDir, p))), `${accepted.uploads.size} uploads`);
  const settled = new Set((db.prepare('select reference from settlements').all() as Array<{ reference: string }>).map((r) => r.reference));
  check('every paid reference is settled', [...accepted.settledReferences].every((r) => settled.has(r)), `${accepted.settledReferences.size} payments`);
  const mismatched = one(
    `select count(*) n from bills b where b.overdue_paid + b.overdue_cleared + b.interest_paid + b.principal_paid + b.delay_paid + b.extension_paid + b.excess_paid
       <> coalesce((select sum(amount) from settlements s where s.bill_id = b.id), 0)`,
  ).n;
  check("every bill's payments add up to what it shows as paid", Number(mismatched) === 0, `${mismatched} bills differ`);
  // Every deposit booked once, to the centavo: per reference, the settlements are exactly the deposits taken.
  const booked = new Map<string, number[]>();
  for (const r of db.prepare('select reference, amount from settlements order by id').all() as Array<{ reference: string; amount: number }>) {
    booked.set(r.reference, [...(booked.get(r.reference) ?? []), r.amount]);
  }
  const sameDeposits = (a: number[] = [], b: number[] = []) => a.length === b.length && [...a].sort().join() === [...b].sort().join();
  const wrong = [...new Set([...accepted.deposits.keys(), ...booked.keys()])].filter((r) => !sameDeposits(accepted.deposits.get(r), booked.get(r)));
  const split = [...accepted.deposits.values()].filter((d) => d.length > 1).length;
  check('every deposit booked once, split ones too', wrong.length === 0 && split > 0, `${wrong.length} references differ; ${split} split payments`);
  // Over-payments: the excess is what was sent beyond the amount, exactly, and nowhere else.
  const excessBy = new Map((db.prepare('select reference, sum(excess) x from settlements group by reference having sum(excess) > 0').all() as Array<{ reference: string; x: number }>).map((r) => [r.reference, r.x]));
  const excessWrong = [...new Set([...accepted.excess.keys(), ...excessBy.keys()])].filter((r) => (accepted.excess.get(r) ?? 0) !== (excessBy.get(r) ?? 0));
  const heldOnBills = Number(one('select coalesce(sum(excess_paid), 0) n from bills').n);
  const sentExtra = [...accepted.excess.values()].reduce((a, b) => a + b, 0);
  check('every over-payment kept as excess, to the centavo', excessWrong.length === 0 && heldOnBills === sentExtra && accepted.excess.size > 0, `${accepted.excess.size} over-payments, ${excessWrong.length} differ; ${heldOnBills} held on bills, ${sentExtra} sent`);
  const twice = one('select count(*) n from (select event_key from settlements group by event_key having count(*) > 1)').n;
  check('no provider event settled twice', Number(twice) === 0, `${twice} events twice`);
  const integrity = one('pragma integrity_check').integrity_check;
  check('SQLite integrity_check ok', integrity === 'ok', String(integrity));
  const tmp = path.join(portal.uploadDir, '.tmp');
  const leftovers = fs.existsSync(tmp) ? fs.readdirSync(tmp).length : 0;
  check('no temporary upload files left', leftovers === 0, String(leftovers));
  const warmRss = median(samples.filter((s) => s.at >= 2 * QUARTER_MS && s.at < 3 * QUARTER_MS).map((s) => s.rss));
  const finalRss = median(samples.filter((s) => s.at >= 3 * QUARTER_MS).map((s) => s.rss));
  const growth = warmRss ? (finalRss - warmRss) / warmRss : 0;
  check(
    'RSS growth after warm-up under 10%',
    warmRss > 0 && growth < 0.1,
    `median ${warmRss.toFixed(0)} MB (3rd quarter) -> ${finalRss.toFixed(0)} MB (last quarter) (${(growth * 100).toFixed(1)}%), peak ${peakRss.toFixed(0)} MB`,
  );
  db.close();

  const byStatus = Object.fromEntries([...stats.byStatus].sort(([a], [b]) => a - b));
  console.log(`requests: ${stats.requests} in ${SECONDS}s (${(stats.requests / SECONDS).toFixed(0)}/s); by status: ${JSON.stringify(byStatus)}`);
  if (stats.errors.size) console.log('socket errors:', Object.fromEntries(stats.errors));
  const pct = (xs: number[], p: number) => Math.round([...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!);
  console.table([...latencies].map(([route, xs]) => ({ route, n: xs.length, p50: pct(xs, 0.5), p99: pct(xs, 0.99), max: pct(xs, 1) })));
  console.table(checks.map(([check, ok, detail]) => ({ check, ok: ok ? 'pass' : 'FAIL', detail })));
  fs.rmSync(portal.dir, { recursive: true, force: true });
  const failed = checks.filter(([, ok]) => !ok).length;
  console.log(failed ? `soak: FAIL (${failed} checks)` : 'soak: PASS');
  process.exit(failed ? 1 : 0);
}

if (process.argv.includes('--cluster')) await clusterMain();
else await main();

/**
 * npm run soak -- --cluster [--processes N] [--pg-restart] (issue 21): the same
 * borrowers through nginx in front of N portal processes on PostgreSQL
 * (deploy/cluster-kit.ts), while each portal in turn is restarted (SIGTERM, wait
 * for its exit, start it again, wait for /readyz). With --pg-restart PostgreSQL is
 * restarted once halfway, and the portals must recover without a restart: what
 * fails meanwhile is a clean 503 envelope, never a 500. Then nothing may be lost,
 * doubled or unreconciled.
 */
async function clusterMain(): Promise<void> {
  const { startCluster, waitReady } = await import('../deploy/cluster-kit.ts');
  const { openDatabase } = await import('../src/data/db.ts');
  const { insertBorrower } = await import('../src/data/repositories/borrowers.ts');
  const { hashPassword } = await import('../src/services/passwords.ts');
  const { loadConfig } = await import('../src/config.ts');
  const { systemClock } = await import('../src/clock.ts');
  const { recordVerifiedAccount } = await import('../src/services/bank-accounts.ts');
  const { clabeCheckDigit } = await import('../src/domain/validators/clabe.ts');
  const arg = (name: string) => {
    const i = process.argv.indexOf(name);
    return i >= 0 ? process.argv[i + 1] : undefined;
  };
  const processes = Number(arg('--processes') ?? 2);
  const pgRestart = process.argv.includes('--pg-restart');
  const say = (line: string) => console.log(`soak: ${line}`);
  const c = await startCluster({ processes, port: 0, env: { KYC_REQUIRED: 'false', LOG_LEVEL: 'info' }, log: say });
  let code = 1;
  try {
    const db = openDatabase({ client: 'pg', url: c.databaseUrl });
    const hash = await hashPassword(PASSWORD);
    const now = Date.now();
    const quota = loadConfig({}).product.quota;
    // Each with a verified bank account: a loan is owed (has a bill to pay) once its payout arrived.
    const portalConfig = loadConfig(c.env);
    for (let i = 0; i < BORROWERS; i++) {
      const id = await insertBorrower(db, { phone: String(5590000000 + i), password_hash: hash, quota, created_at: now, updated_at: now });
      const body = `012180${String(i * 10 + 5).padStart(11, '0')}`;
      await db.transaction((trx) => recordVerifiedAccount(trx, systemClock, portalConfig, id, body + clabeCheckDigit(body), `Soak Persona ${i}`));
    }
    const photo = await screenshot();
    const started = Date.now();
    const until = started + SECONDS * 1000;
    say(`${BORROWERS} borrowers for ${SECONDS}s through ${c.url} (${processes} portals)${pgRestart ? ', PostgreSQL restarted once' : ''}`);
    // A borrower whose sign-in fails is a failed request, not the end of the soak.
    const traffic = Promise.all(
      Array.from({ length: BORROWERS }, (_, i) => borrower(c.url, i, until, photo).catch((err: Error) => void cluster.failures.push({ at: Date.now(), what: `borrower ${i}: ${err.message.split('\n')[0]}` }))),
    );

    // The restarts: each portal in turn, again and again, in the middle 80% of the run.
    const restarts: Array<{ portal: number; at: number; inFlight: number; stoppedMs: number; exit: number | null; readyMs: number }> = [];
    const outage = { from: 0, to: 0, recoveredMs: 0 };
    const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const restarter = (async () => {
      await pause(SECONDS * 100);
      let n = 0;
      while (Date.now() < until - SECONDS * 200) {
        // PostgreSQL once, after the first portal's restart (so both kinds fit in a short run).
        if (pgRestart && !outage.from && n >= 1 && c.postgres) {
          outage.from = Date.now();
          await c.postgres.restart();
          // Recovery: every portal ready again, on its own pool (no process restarted).
          await Promise.all(c.portals.map((p) => waitReady(`${p.url}/readyz`, { timeoutMs: 60_000 })));
          outage.to = Date.now();
          outage.recoveredMs = outage.to - outage.from;
          say(`PostgreSQL restarted; every portal ready again after ${outage.recoveredMs} ms, none restarted`);
          continue;
        }
        const portal = c.portals[n++ % c.portals.length]!;
        const at = Date.now();
        const inFlight = cluster.inFlight;
        const exit = await portal.stop();
        const stoppedMs = Date.now() - at;
        await portal.start();
        restarts.push({ portal: portal.index + 1, at: at - started, inFlight, stoppedMs, exit, readyMs: Date.now() - at });
        await pause(Math.max(1000, (SECONDS * 1000) / (4 * c.portals.length + 2)));
      }
    })();
    await traffic;
    await restarter;

    const checks: Array<[string, boolean, string]> = [];
    const check = (name: string, ok: boolean, detail: string) => checks.push([name, ok, detail]);
    const rows = async (sql: string) => ((await db.raw(sql)) as { rows: Array<Record<string, unknown>> }).rows;
    const one = async (sql: string) => (await rows(sql))[0]!;

    const inFlightAtKills = restarts.reduce((a, r) => a + r.inFlight, 0);
    // A failure from a kill until that portal is ready again is the kill's (at most the requests in
    // flight then); one while PostgreSQL was away (until 2 s after every portal was ready) is the
    // outage's, and must be a clean 503; anywhere else there must be none.
    const duringKill = (at: number) => restarts.some((r) => at - started >= r.at && at - started <= r.at + r.readyMs);
    const duringOutage = (at: number) => outage.from > 0 && at >= outage.from && at <= outage.to + 2_000 && !duringKill(at);
    const failuresAtKills = cluster.failures.filter((f) => duringKill(f.at));
    const failuresInside = cluster.failures.filter((f) => duringOutage(f.at));
    const failuresOutside = cluster.failures.filter((f) => !duringKill(f.at) && !duringOutage(f.at));
    check('every portal restarted at least once, each exiting 0', restarts.length >= c.portals.length && restarts.every((r) => r.exit === 0), `${restarts.length} restarts, exits ${[...new Set(restarts.map((r) => r.exit))].join(',')}`);
    check('failed requests during the restarts: none beyond those in flight at the kills', failuresAtKills.length <= inFlightAtKills, `${failuresAtKills.length} failed (${inFlightAtKills} were in flight at the kills): ${failuresAtKills.slice(0, 3).map((f) => f.what.slice(0, 40)).join('; ')}`);
    check('zero failed requests outside the kills and the PostgreSQL outage', failuresOutside.length === 0, failuresOutside.slice(0, 5).map((f) => f.what).join('; ') || '0');
    const stray503 = cluster.clean503.filter((at) => !(outage.from > 0 && at >= outage.from && at <= outage.to + 2_000)).length;
    check('503 only while PostgreSQL was away', stray503 === 0, `${cluster.clean503.length} clean 503 envelopes, ${stray503} outside the outage`);
    if (pgRestart) {
      check('PostgreSQL restart: the portals recovered without a restart', outage.recoveredMs > 0 && c.portals.every((p) => p.child.exitCode === null), `ready again after ${outage.recoveredMs} ms`);
      check('PostgreSQL restart: what failed was a clean 503 envelope, never a 500', failuresInside.every((f) => !/^5\d\d /.test(f.what)), `${failuresInside.length} other failures during the outage: ${failuresInside.slice(0, 5).map((f) => f.what).join('; ')}`);
    }
    const loanRows = new Set((await rows('select oid from loans')).map((r) => String(r.oid)));
    check('every accepted loan is stored', [...accepted.loans].every((o) => loanRows.has(o)), `${accepted.loans.size} loans`);
    const proofCount = Number((await one('select count(*) n from proofs')).n);
    check('every accepted proof is stored', proofCount === accepted.proofs, `${accepted.proofs} accepted, ${proofCount} stored`);
    const blobs = new Set((await rows('select u.path from uploads u join upload_blobs b on b.path = u.path')).map((r) => String(r.path)));
    check('every accepted upload is stored, its image in the database', [...accepted.uploads].every((p) => blobs.has(p)), `${accepted.uploads.size} uploads`);
    const settled = new Set((await rows('select reference from settlements')).map((r) => String(r.reference)));
    check('every paid reference is settled', [...accepted.settledReferences].every((r) => settled.has(r)), `${accepted.settledReferences.size} payments`);
    const mismatched = Number(
      (
        await one(`select count(*) n from bills b where b.overdue_paid + b.overdue_cleared + b.interest_paid + b.principal_paid + b.delay_paid + b.extension_paid + b.excess_paid
           <> coalesce((select sum(amount) from settlements s where s.bill_id = b.id), 0)`)
      ).n,
    );
    check("every bill's payments add up to what it shows as paid", mismatched === 0, `${mismatched} bills differ`);
    const booked = new Map<string, number[]>();
    for (const r of await rows('select reference, amount from settlements order by id')) booked.set(String(r.reference), [...(booked.get(String(r.reference)) ?? []), Number(r.amount)]);
    const sameDeposits = (a: number[] = [], b: number[] = []) => a.length === b.length && [...a].sort().join() === [...b].sort().join();
    const wrong = [...new Set([...accepted.deposits.keys(), ...booked.keys()])].filter((r) => !sameDeposits(accepted.deposits.get(r), booked.get(r)));
    check('every acknowledged deposit booked once, nothing unacknowledged booked', wrong.length === 0, `${wrong.length} references differ of ${booked.size}`);
    const twice = Number((await one('select count(*) n from (select event_key from settlements group by event_key having count(*) > 1) x')).n);
    check('no provider event settled twice', twice === 0, `${twice} events twice`);
    const heldOnBills = Number((await one('select coalesce(sum(excess_paid), 0) n from bills')).n);
    const sentExtra = [...accepted.excess.values()].reduce((a, b) => a + b, 0);
    check('every over-payment kept as excess, to the centavo', heldOnBills === sentExtra, `${heldOnBills} held on bills, ${sentExtra} sent`);
    await db.destroy();

    const byStatus = Object.fromEntries([...stats.byStatus].sort(([a], [b]) => a - b));
    say(`requests: ${stats.requests} in ${SECONDS}s (${(stats.requests / SECONDS).toFixed(0)}/s); by status: ${JSON.stringify(byStatus)}`);
    console.table(restarts);
    if (refusedUploads.size) console.log('uploads refused:', Object.fromEntries(refusedUploads));
    if (cluster.failures.length) {
      const kinds = new Map<string, { n: number; first: number; last: number }>();
      for (const f of cluster.failures) {
        const kind = f.what.replace(/borrower \d+: sign-in \d+/, 'sign-in').slice(0, 90);
        const k = kinds.get(kind) ?? { n: 0, first: f.at - started, last: 0 };
        k.n++;
        k.last = f.at - started;
        kinds.set(kind, k);
      }
      console.log('failures by kind (ms from the start):');
      console.table([...kinds].map(([kind, k]) => ({ kind, ...k })));
      // nginx's view of them, without the refused connections it retried elsewhere.
      const errors = path.join(c.dir, 'nginx', 'error.log');
      const lines = fs.existsSync(errors) ? fs.readFileSync(errors, 'utf8').split('\n').filter((l) => l && !/connect\(\) failed \(111|temporarily disabled/.test(l)) : [];
      console.log(`nginx error.log, other than refused connections (${lines.length} lines):\n${lines.slice(0, 12).join('\n')}`);
    }
    console.table(checks.map(([name, ok, detail]) => ({ check: name, ok: ok ? 'pass' : 'FAIL', detail })));
    const failed = checks.filter(([, ok]) => !ok).length;
    console.log(failed ? `soak --cluster: FAIL (${failed} checks)` : 'soak --cluster: PASS');
    code = failed ? 1 : 0;
  } finally {
    await c.stop();
  }
  process.exit(code);
}
