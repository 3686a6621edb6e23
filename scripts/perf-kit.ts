// Shared by the benchmark and the soak test: a throwaway portal process in
// production mode on a fresh SQLite database, and small HTTP helpers.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { Pool } from 'undici';
import { freePort } from '../deploy/cluster-kit.ts';
import { systemClock } from '../src/clock.ts';
import { loadConfig } from '../src/config.ts';
import { migrate, openDatabase } from '../src/data/db.ts';
import { insertBorrower } from '../src/data/repositories/borrowers.ts';
import { clabeCheckDigit } from '../src/domain/validators/clabe.ts';
import { recordVerifiedAccount } from '../src/services/bank-accounts.ts';
import { hashPassword } from '../src/services/passwords.ts';

export const ROOT = path.resolve(import.meta.dirname, '..');
export const HAS_TASKSET = spawnSync('taskset', ['-c', '0', 'true']).status === 0;
export const JEMALLOC = '/usr/lib/x86_64-linux-gnu/libjemalloc.so.2';

/**
 * A command pinned to one core, or (null) free to use every core, where
 * taskset exists. Free is explicit: a child inherits its parent's affinity,
 * and the benchmark itself runs pinned to core 1.
 */
export function pinned(core: number | null, cmd: string, args: string[]): [string, string[]] {
  if (!HAS_TASKSET) return [cmd, args];
  return ['taskset', ['-c', core === null ? `0-${os.cpus().length - 1}` : String(core), cmd, ...args]];
}

async function waitFor(url: string, child: ChildProcess, log: string): Promise<void> {
  // Up to a minute: a portal on a copy of the volume database, on a busy shared machine, takes a while.
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`exited early:\n${fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : ''}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer`);
}

export interface Portal {
  url: string;
  pid: number;
  dir: string;
  dbFile: string;
  uploadDir: string;
  stop(): Promise<void>;
}

/**
 * Starts Cuota as `npm start` would, in production mode, on a fresh SQLite
 * database seeded with `borrowers` accounts (phones 5590000000 + i, one
 * password), pinned to `core` (null: free to use every core). Its log goes
 * to a file in its directory.
 */
export async function startPortal(options: { core: number | null; borrowers: number; password: string; env?: Record<string, string>; dbFile?: string }): Promise<Portal> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cuota-perf-'));
  // A given database (the volume one) is copied, so every run starts from the same data.
  const dbFile = path.join(dir, 'cuota.sqlite');
  if (options.dbFile) fs.copyFileSync(options.dbFile, dbFile);
  const uploadDir = path.join(dir, 'uploads');
  const db = openDatabase({ client: 'better-sqlite3', filename: dbFile });
  await migrate(db);
  const hash = await hashPassword(options.password);
  const now = systemClock.now().getTime();
  const secrets = { DATA_KEY: `bench:${crypto.randomBytes(32).toString('base64')}`, DATA_HASH_KEY: crypto.randomBytes(32).toString('hex') };
  const seedConfig = loadConfig(secrets);
  const quota = seedConfig.product.quota;
  for (let i = 0; i < options.borrowers; i++) {
    const id = await insertBorrower(db, { phone: String(5590000000 + i), password_hash: hash, quota, created_at: now, updated_at: now });
    // A verified bank account, so a loan is paid out (and its pages exist) without the identity steps.
    const clabe = `012180${String(10_000_000 + i).padStart(11, '0')}`;
    await recordVerifiedAccount(db, systemClock, seedConfig, id, clabe + clabeCheckDigit(clabe), `Bench Borrower ${i}`);
  }
  await db.destroy();
  const port = await freePort();
  const log = path.join(dir, 'portal.log');
  const out = fs.openSync(log, 'a');
  // BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the portal (written when it stops).
  const extra = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const [cmd, args] = pinned(options.core, process.execPath, [...extra, '--import', 'tsx', 'src/main.ts']);
  const child = spawn(cmd, args, {
    cwd: ROOT,
    stdio: ['ignore', out, out],
    env: {
      PATH: process.env.PATH,
      // As `npm start` sets it: fewer glibc malloc arenas keep libvips' memory from fragmenting.
      MALLOC_ARENA_MAX: '2',
      // As `npm start` sets it: libuv's pool is sized before the process starts (Node reads it once, at its first use).
      UV_THREADPOOL_SIZE: process.env.UV_THREADPOOL_SIZE ?? '6',
      // jemalloc, when installed (Debian: libjemalloc2), is what sharp recommends against libvips' fragmentation.
      ...(fs.existsSync(JEMALLOC) && process.env.PERF_JEMALLOC !== '0' ? { LD_PRELOAD: JEMALLOC } : {}),
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: dbFile,
      UPLOAD_DIR: uploadDir,
      SESSION_SECRET: crypto.randomBytes(32).toString('hex'),
      PAYMENT_WEBHOOK_SECRET: crypto.randomBytes(32).toString('hex'),
      PAYMENT_GATEWAY: 'sandbox',
      ...secrets,
      KYC_PROVIDER: 'sandbox',
      // Benchmark borrowers are created directly and not verified: the gate is not what is measured.
      KYC_REQUIRED: 'false',
      LOG_LEVEL: 'info',
      ...options.env,
    },
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${url}/Index/languages`, child, log);
  return {
    url,
    pid: child.pid!,
    dir,
    dbFile,
    uploadDir,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      fs.closeSync(out);
    },
  };
}

/** A reference server on `core`: the bare Koa baseline, or (`floor`) the prescribed stack doing nothing of Cuota's (`env`: bench-floor.mjs's settings). */
export async function startReference(
  core: number,
  script: 'baseline' | 'floor' = 'baseline',
  env: Record<string, string> = {},
): Promise<{ url: string; pid: number; stop(): Promise<void> }> {
  const port = await freePort();
  const [cmd, args] = pinned(core, process.execPath, [`scripts/bench-${script}.mjs`]);
  const child = spawn(cmd, args, { cwd: ROOT, stdio: 'ignore', env: { PATH: process.env.PATH, PORT: String(port), NODE_ENV: 'production', ...env } });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(url, child, '');
  return {
    url,
    pid: child.pid!,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

/** A process's resident memory now and at its peak, in MB (Linux /proc). */
export function memoryOf(pid: number): { rss: number; peak: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

/** A signed-in app client: cookie header for a borrower. */
export async function signIn(url: string, phone: string, password: string): Promise<string> {
  const res = await fetch(`${url}/Index/ajaxSignIn`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Requested-With': 'XMLHttpRequest' },
    body: new URLSearchParams({ username: phone, password }),
  });
  if (res.status !== 200) throw new Error(`sign-in ${phone}: ${res.status} ${await res.text()}`);
  return res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
}

/**
 * The cookies of a browser that has seen a page: `cookie` plus what the page
 * set (the stylesheet's, views.ts), so later pages link the cached stylesheet
 * as they would for a borrower past the first page.
 */
export async function afterFirstPage(url: string, cookie: string): Promise<string> {
  const res = await fetch(`${url}/Index/languages`, { headers: { Cookie: cookie, Accept: 'text/html' } });
  if (res.status !== 200) throw new Error(`first page: ${res.status}`);
  return [cookie, ...res.headers.getSetCookie().map((c) => c.split(';')[0])].filter(Boolean).join('; ');
}

/** A 12-megapixel phone-like photo (4000x3000 JPEG): soft gradients with sensor-like noise. */
export async function phonePhoto(): Promise<Buffer> {
  const { data, info } = await sharp({
    create: { width: 4000, height: 3000, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 40 } },
  })
    .blur(0.8)
    .raw()
    .toBuffer({ resolveWithObject: true });
  return sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } })
    .jpeg({ quality: 85 })
    .withMetadata({ orientation: 6 })
    .toBuffer();
}

/** A multipart body carrying one file as the spec's upload does. */
export function uploadBody(boundary: string, file: Buffer, name = 'photo.jpg'): Buffer {
  return Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="fileName"\r\n\r\nfile\r\n`),
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: image/jpeg\r\n\r\n`),
    file,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
}

const PACED_TIMEOUT_MS = 10_000;

/** What an evenly paced run measured: latencies in ms from each request's planned moment. */
export interface PacedRun {
  rate: number;
  /** Answered requests per second; non2xx counts the failed ones, whose latencies are left out. */
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  non2xx: number;
  /** The most the client fell behind its own schedule (ms): over a few ms, its core, not the server, set the pace. */
  clientLateMs: number;
}

/**
 * An open-loop load at an even `rate` (requests per second) for `seconds`:
 * request i is due at start + i/rate whether or not earlier ones were
 * answered, over at most `connections` keep-alive sockets. Each latency runs
 * from the moment the request was due, so time spent waiting for a socket or
 * behind a slow answer counts (no coordinated omission). autocannon's
 * `overallRate` is not this: it sends each second's quota as fast as it can
 * at the start of the second and then waits, so "70% of the maximum rate"
 * becomes full load for 0.7 s of every second.
 */
export async function pacedLoad(url: string, headers: Record<string, string>, rate: number, seconds: number, connections = 50): Promise<PacedRun> {
  if (!Number.isFinite(rate) || rate <= 0) throw new Error(`pacedLoad: the rate must be a positive number, not ${rate}`);
  const { origin, pathname, search } = new URL(url);
  // undici's pool: a request costs the client a few microseconds (node:http's agent costs
  // hundreds, and at 1,600 req/s the client's own core fell behind the schedule).
  const pool = new Pool(origin, { connections, pipelining: 1, headersTimeout: PACED_TIMEOUT_MS, bodyTimeout: PACED_TIMEOUT_MS });
  const total = Math.max(1, Math.round(rate * seconds));
  const interval = 1000 / rate;
  const latencies: number[] = [];
  let failed = 0;
  let late = 0;
  const start = performance.now();
  await new Promise<void>((resolve) => {
    let sent = 0;
    let answered = 0;
    const settle = (due: number, ok: boolean) => {
      if (ok) latencies.push(performance.now() - due);
      else failed++;
      if (++answered === total) resolve();
    };
    const tick = () => {
      const now = performance.now();
      while (sent < total && start + sent * interval <= now) {
        const due = start + sent * interval;
        // How far behind its schedule the client itself is (its own core busy): reported, so a run it spoiled shows.
        late = Math.max(late, now - due);
        sent++;
        pool
          .request({ method: 'GET', path: pathname + search, headers })
          .then(async (res) => {
            await res.body.dump();
            settle(due, res.statusCode === 200);
          })
          .catch(() => settle(due, false));
      }
      if (sent < total) setTimeout(tick, Math.max(0, start + sent * interval - performance.now()));
    };
    tick();
  });
  const elapsed = (performance.now() - start) / 1000;
  await pool.close();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => +(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0).toFixed(2);
  return { rate: Math.round(rate), rps: Math.round(total / elapsed), p50: at(0.5), p90: at(0.9), p99: at(0.99), max: at(1), non2xx: failed, clientLateMs: Math.round(late) };
}
