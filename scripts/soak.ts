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
  try {
    const res = await fetch(url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(30_000) });
    const route = routeOf(url);
    if (!latencies.has(route)) latencies.set(route, []);
    latencies.get(route)!.push(performance.now() - started);
    stats.byStatus.set(res.status, (stats.byStatus.get(res.status) ?? 0) + 1);
    if (res.status >= 500) stats.serverErrors++;
    return res;
  } catch (err) {
    stats.socketErrors++;
    const e = err as Error & { cause?: { code?: string } };
    const key = `${new URL(url).pathname.replace(/\/Pay\/[^/]+/, '/Pay/<token>')}: ${e.cause?.code ?? e.name}`;
    stats.errors.set(key, (stats.errors.get(key) ?? 0) + 1);
    return null;
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
  const cookie = await signIn(base, phone, PASSWORD);
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
      const utr = String(100000000000 + index * 100000 + round);
      const proof = await json(await call(`${base}/Repay/repayProof`, { method: 'POST', headers: form, body: `oid=${data.oid}&utr=${utr}${up?.status === 1 ? `&utr_image=${up.info}` : ''}` }));
      if (proof?.status === 1) accepted.proofs++;
      continue;
    }
    // Pay through the sandbox: payment URL, cash voucher, checkout "mark as paid" (signed notification).
    const url = (await json(await call(`${base}/Repay/payData`, { method: 'POST', headers: form, body: `oid=${data.oid}` })))?.data;
    if (typeof url !== 'string') continue;
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

await main();
