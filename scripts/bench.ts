// npm run bench: Cuota's throughput as ratios of a bare Koa app measured in
// the same run on the same core, plus proof uploads of a 12 MP phone photo.
// A second reference, the floor, is the prescribed stack (Koa, @koa/router,
// koa-session) answering the same JSON with nothing of Cuota's: the ratio a
// route could reach at best. The portal and the references run pinned to
// core 0, the load (this process) to core 1, where taskset exists; uploads go
// to a second portal free to use every core. Results: a table here and JSON
// under bench/results/ (ignored by git).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { HAS_TASKSET, memoryOf, phonePhoto, pinned, type Portal, ROOT, signIn, startReference, startPortal, uploadBody } from './perf-kit.ts';

// Re-run on core 1 so the load never competes with the server for a core.
if (HAS_TASKSET && !process.env.BENCH_PINNED) {
  const [cmd, args] = pinned(1, process.execPath, [...process.execArgv, ...process.argv.slice(1)]);
  const run = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, BENCH_PINNED: '1' } });
  process.exit(run.status ?? 1);
}

const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3);
const UPLOAD_SECONDS = Number(process.env.BENCH_UPLOAD_SECONDS ?? 15);
const CONNECTIONS = 50;
const PASSWORD = 'bench-password';

interface Run {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
}

async function load(url: string, opts: Partial<autocannon.Options> & { duration: number }): Promise<Run> {
  const result = await autocannon({ url, connections: CONNECTIONS, ...opts });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx + result.errors + result.timeouts,
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main() {
  const portal = await startPortal({ core: 0, borrowers: 1, password: PASSWORD });
  const baseline = await startReference(0);
  const floor = await startReference(0, 'floor');
  let uploader: Portal | undefined;
  try {
    const cookie = await signIn(portal.url, '5590000000', PASSWORD);
    const app = { Cookie: cookie, 'X-Requested-With': 'XMLHttpRequest', Accept: 'application/json' };
    const post = (p: string, body: string) =>
      fetch(`${portal.url}${p}`, { method: 'POST', headers: { ...app, 'Content-Type': 'application/x-www-form-urlencoded' }, body });
    await post('/Loan/reLoan', 'money=3000&time=10');
    await post('/Index/ajaxApply', 'kfs_ack=1');
    const oid = ((await (await fetch(`${portal.url}/Repay/loans`, { headers: app })).json()) as { data: { oid: string } }).data.oid;
    const floorCookie = (await fetch(`${floor.url}/signIn`)).headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');

    const routes: Array<{ name: string; url: string; opts: Partial<autocannon.Options> }> = [
      { name: 'baseline {"hello":"world"}', url: baseline.url, opts: {} },
      { name: 'floor: prescribed stack, same JSON', url: `${floor.url}/Repay/loans`, opts: { headers: { Cookie: floorCookie } } },
      { name: 'GET Index/languages', url: `${portal.url}/Index/languages`, opts: { headers: { Accept: 'application/json' } } },
      { name: 'GET Repay/loans (JSON, signed in)', url: `${portal.url}/Repay/loans`, opts: { headers: app } },
      { name: 'GET home page (HTML, signed in)', url: `${portal.url}/Repay/index.shtml`, opts: { headers: { Cookie: cookie, Accept: 'text/html' } } },
      { name: 'GET loan detail page (HTML)', url: `${portal.url}/Repay/loanDetail?oid=${oid}`, opts: { headers: { Cookie: cookie, Accept: 'text/html' } } },
      {
        name: 'POST Repay/payData (write)',
        url: `${portal.url}/Repay/payData`,
        opts: { method: 'POST', headers: { ...app, 'Content-Type': 'application/x-www-form-urlencoded' }, body: `oid=${oid}` },
      },
    ];
    const runs = new Map<string, Run[]>(routes.map((r) => [r.name, []]));
    for (let round = 1; round <= ROUNDS; round++) {
      for (const route of routes) {
        await load(route.url, { ...route.opts, duration: WARMUP });
        const run = await load(route.url, { ...route.opts, duration: SECONDS });
        runs.get(route.name)!.push(run);
        console.log(`round ${round}/${ROUNDS}  ${route.name.padEnd(38)} ${run.rps.toFixed(0).padStart(7)} req/s`);
      }
    }
    const medianRps = (name: string) => median(runs.get(name)!.map((r) => r.rps));
    const base = medianRps(routes[0]!.name);
    const floorRps = medianRps(routes[1]!.name);
    const table = routes.map((r) => {
      const rs = runs.get(r.name)!;
      const rps = medianRps(r.name);
      return {
        route: r.name,
        rps: Math.round(rps),
        p50: median(rs.map((x) => x.p50)),
        p99: median(rs.map((x) => x.p99)),
        non2xx: rs.reduce((a, x) => a + x.non2xx, 0),
        ratio: +(rps / base).toFixed(3),
        ofFloor: +(rps / floorRps).toFixed(3),
      };
    });

    // Proof uploads: a 12 MP phone photo through Info/ajaxUpload at 2 and 8 at
    // once, against a second portal free to use both cores: decoding photos is
    // what a server's second core is for, and this load (a few requests a
    // second) needs next to no CPU of its own.
    uploader = await startPortal({ core: null, borrowers: 1, password: PASSWORD });
    const uploadApp = { ...app, Cookie: await signIn(uploader.url, '5590000000', PASSWORD) };
    const photo = await phonePhoto();
    const boundary = 'CuotaBench';
    const body = uploadBody(boundary, photo);
    const uploads = [];
    for (const connections of [2, 8]) {
      const result = await autocannon({
        url: `${uploader.url}/Info/ajaxUpload`,
        method: 'POST',
        connections,
        duration: UPLOAD_SECONDS,
        headers: { ...uploadApp, 'Content-Type': `multipart/form-data; boundary=${boundary}` },
        body,
      });
      const mem = memoryOf(uploader.pid);
      uploads.push({
        concurrent: connections,
        perSecond: +result.requests.average.toFixed(2),
        p99: result.latency.p99,
        non2xx: result.non2xx + result.errors + result.timeouts,
        rssMB: Math.round(mem.rss),
        peakRssMB: Math.round(mem.peak),
      });
    }

    const ratio = (name: string) => table.find((r) => r.route.startsWith(name))!.ratio;
    const targets = [
      { target: 'Repay/loans JSON >= 0.45 of baseline', value: ratio('GET Repay/loans'), ok: ratio('GET Repay/loans') >= 0.45 },
      { target: 'home page HTML >= 0.30 of baseline', value: ratio('GET home page'), ok: ratio('GET home page') >= 0.3 },
      { target: 'no non-2xx', value: table.reduce((a, r) => a + r.non2xx, 0), ok: table.every((r) => r.non2xx === 0) },
      { target: 'uploads >= 8/s at 2 concurrent', value: uploads[0]!.perSecond, ok: uploads[0]!.perSecond >= 8 && uploads[0]!.non2xx === 0 },
      { target: 'peak RSS < 400 MB at 8 concurrent', value: uploads[1]!.peakRssMB, ok: uploads[1]!.peakRssMB < 400 && uploads[1]!.non2xx === 0 },
    ];
    console.log(`\nCuota benchmark: ${ROUNDS} rounds x ${SECONDS}s, ${CONNECTIONS} connections, medians; ${HAS_TASKSET ? 'server on core 0, load on core 1' : 'no taskset: unpinned'}`);
    console.table(table);
    console.log(`uploads of a ${(photo.length / 1e6).toFixed(1)} MB 12 MP JPEG, ${UPLOAD_SECONDS}s each, to a portal on every core:`);
    console.table(uploads);
    console.table(targets.map((t) => ({ ...t, ok: t.ok ? 'yes' : 'NO' })));
    const machine = { cpu: os.cpus()[0]?.model, cores: os.cpus().length, memoryGB: Math.round(os.totalmem() / 2 ** 30), node: process.version, taskset: HAS_TASKSET };
    fs.mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
    const file = path.join(ROOT, 'bench/results', `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    fs.writeFileSync(file, JSON.stringify({ at: new Date().toISOString(), machine, settings: { SECONDS, ROUNDS, WARMUP, CONNECTIONS, UPLOAD_SECONDS }, table, uploads, targets }, null, 2));
    console.log(`written to ${path.relative(ROOT, file)}`);
  } finally {
    await baseline.stop();
    await floor.stop();
    for (const p of [portal, uploader]) {
      if (!p) continue;
      await p.stop();
      fs.rmSync(p.dir, { recursive: true, force: true });
    }
  }
}

await main();
