// One machine's Cuota cluster, for `npm run cluster` and `npm run soak -- --cluster`:
// PostgreSQL (a throwaway cluster from Debian's binaries, or DATABASE_URL), N portal
// processes and nginx in front (deploy/nginx.conf). Everything listens on 127.0.0.1.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { renderNginxConfig, ROOT } from './nginx-config.ts';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls a URL until it answers 200 (or the process behind it exits). */
export async function waitReady(url: string, options: { child?: ChildProcess; timeoutMs?: number; log?: string } = {}): Promise<void> {
  const until = Date.now() + (options.timeoutMs ?? 120_000);
  while (Date.now() < until) {
    if (options.child && options.child.exitCode !== null) {
      throw new Error(`exited (${options.child.exitCode}) before ${url} was ready${options.log && fs.existsSync(options.log) ? `:\n${fs.readFileSync(options.log, 'utf8').slice(-3000)}` : ''}`);
    }
    try {
      if ((await fetch(url, { signal: AbortSignal.timeout(2000) })).status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`${url} was not ready in time`);
}

function pgBinDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root) ? fs.readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) {
    const dir = path.join(root, v, 'bin');
    if (fs.existsSync(path.join(dir, 'initdb'))) return dir;
  }
  throw new Error('no PostgreSQL server found (apt-get install -y postgresql), or set DATABASE_URL');
}

export interface Postgres {
  url: string;
  /** Stops (fast) and starts the server again on the same port and data: the portals keep running. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** A throwaway PostgreSQL cluster in `dir` (as scripts/with-postgres.mjs), listening on 127.0.0.1 only. */
export async function startPostgres(dir: string): Promise<Postgres> {
  const bin = pgBinDir();
  const data = path.join(dir, 'pgdata');
  const asRoot = process.getuid?.() === 0;
  // PostgreSQL refuses to run as root: run its tools as the postgres user.
  const tool = (name: string, args: string[]) => {
    const full = path.join(bin, name);
    if (asRoot) execFileSync('runuser', ['-u', 'postgres', '--', full, ...args], { stdio: 'pipe' });
    else execFileSync(full, args, { stdio: 'pipe' });
  };
  fs.mkdirSync(dir, { recursive: true });
  if (asRoot) execFileSync('chown', ['postgres:postgres', dir]);
  const port = await freePort();
  tool('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  const start = () =>
    tool('pg_ctl', ['-D', data, '-w', '-l', path.join(dir, 'postgres.log'), '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=300`, 'start']);
  start();
  tool('createdb', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', 'cuota']);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/cuota`,
    async restart() {
      tool('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
      start();
    },
    async stop() {
      try {
        tool('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
      } catch {
        // already stopped
      }
    },
  };
}

/** nginx in the foreground with deploy/nginx.conf filled in for these portals, on 127.0.0.1:port. */
export async function startNginx(options: { upstreams: string[]; port: number; runDir: string; env?: Record<string, string | undefined> }): Promise<{ url: string; config: string; stop(): Promise<void> }> {
  const { runDir } = options;
  const conf = renderNginxConfig({ upstreams: options.upstreams, listen: `127.0.0.1:${options.port}`, runDir, env: options.env });
  const config = path.join(runDir, 'nginx.conf');
  fs.writeFileSync(config, conf);
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    // Workers run as nobody: their temp dirs must be theirs.
    for (const sub of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) execFileSync('chown', ['nobody', path.join(runDir, sub)]);
  }
  const args = ['-c', config, '-p', runDir, '-g', `daemon off;${asRoot ? ' user nobody nogroup;' : ''}`];
  execFileSync(NGINX, ['-t', '-q', ...args], { stdio: 'pipe' });
  const child = spawn(NGINX, args, { detached: true, stdio: ['ignore', 'ignore', 'inherit'] });
  const url = `http://127.0.0.1:${options.port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    // SIGQUIT: graceful (requests in progress finish).
    child.kill('SIGQUIT');
    await exitOf(child);
  };
  try {
    await waitReady(`${url}/nginx-health`, { child });
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, config, stop };
}

export const NGINX = process.env.NGINX ?? '/usr/sbin/nginx';

export interface PortalProcess {
  index: number;
  port: number;
  url: string;
  log: string;
  child: ChildProcess;
  /** SIGTERM, wait for the exit (answers its code). */
  stop(): Promise<number | null>;
  /** Starts it again on the same port; resolves once /readyz answers 200. */
  start(): Promise<void>;
}

export interface Cluster {
  /** nginx: where borrowers go. */
  url: string;
  databaseUrl: string;
  portals: PortalProcess[];
  postgres: Postgres | null;
  dir: string;
  /** The environment every portal runs with (secrets included). */
  env: Record<string, string>;
  stop(): Promise<void>;
}

export interface ClusterOptions {
  processes: number;
  /** nginx's port (0: any free one). */
  port: number;
  /** Use this PostgreSQL database instead of a throwaway cluster. */
  databaseUrl?: string;
  /** Extra environment for the portals (overrides the defaults below). */
  env?: Record<string, string>;
  log?: (line: string) => void;
}

const exitOf = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));

/** Starts PostgreSQL (unless given), the portals (migrating together), then nginx in front. */
export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const say = options.log ?? (() => {});
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cuota-cluster-'));
  fs.chmodSync(dir, 0o755);
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => {});
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    let postgres: Postgres | null = null;
    let databaseUrl = options.databaseUrl;
    if (!databaseUrl) {
      postgres = await startPostgres(path.join(dir, 'postgres'));
      stops.push(() => postgres!.stop());
      databaseUrl = postgres.url;
      say(`postgres: ${databaseUrl} (throwaway, in ${dir}/postgres)`);
    }
    const nginxPort = options.port || (await freePort());
    const publicUrl = `http://127.0.0.1:${nginxPort}`;
    const env: Record<string, string> = {
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      PUBLIC_URL: publicUrl,
      TRUST_PROXY: 'true',
      TRUSTED_PROXY_HOPS: '1',
      UPLOAD_STORAGE: 'db',
      UPLOAD_DIR: path.join(dir, 'uploads-unused'),
      METRICS_ALLOW: '127.0.0.1,::1',
      // Throwaway secrets for a throwaway cluster; a real deployment sets its own (docs/deployment.md).
      SESSION_SECRET: crypto.randomBytes(32).toString('hex'),
      PAYMENT_WEBHOOK_SECRET: crypto.randomBytes(32).toString('hex'),
      PAYMENT_GATEWAY: 'sandbox',
      KYC_PROVIDER: 'sandbox',
      DATA_KEY: `cluster:${crypto.randomBytes(32).toString('base64')}`,
      DATA_HASH_KEY: crypto.randomBytes(32).toString('hex'),
      MALLOC_ARENA_MAX: '2',
      ...options.env,
    };
    const portals: PortalProcess[] = [];
    for (let index = 0; index < options.processes; index++) {
      const port = await freePort();
      const log = path.join(dir, `portal-${index + 1}.log`);
      const portal: PortalProcess = {
        index,
        port,
        url: `http://127.0.0.1:${port}`,
        log,
        child: undefined as unknown as ChildProcess,
        async stop() {
          if (portal.child.exitCode !== null || portal.child.signalCode !== null) return portal.child.exitCode;
          portal.child.kill('SIGTERM');
          return exitOf(portal.child);
        },
        async start() {
          const out = fs.openSync(log, 'a');
          // Its own process group: Ctrl-C reaches the cluster script, which stops each in order.
          portal.child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
            cwd: ROOT,
            detached: true,
            stdio: ['ignore', out, out],
            env: { PATH: process.env.PATH ?? '', ...env, PORT: String(port) },
          });
          fs.closeSync(out);
          await waitReady(`${portal.url}/readyz`, { child: portal.child, log });
        },
      };
      portals.push(portal);
    }
    // All at once, as an orchestrator would: the migrations run once (src/data/db.ts).
    stops.push(async () => {
      await Promise.all(portals.map((p) => (p.child ? p.stop() : null)));
    });
    await Promise.all(portals.map((p) => p.start()));
    say(`portals: ${portals.map((p) => p.url).join(' ')} (logs in ${dir})`);

    const nginx = await startNginx({ upstreams: portals.map((p) => `127.0.0.1:${p.port}`), port: nginxPort, runDir: path.join(dir, 'nginx'), env });
    stops.push(nginx.stop);
    const confFile = nginx.config;
    say(`nginx: ${publicUrl} (config ${confFile})`);
    return { url: publicUrl, databaseUrl, portals, postgres, dir, env, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
