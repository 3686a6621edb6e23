import type { Server } from 'node:http';
import net from 'node:net';
import pino from 'pino';
import { createApp } from './app.ts';
import type { Lifecycle } from './http/operations.ts';
import { clockStartingAt, systemClock } from './clock.ts';
import { ConfigError, loadConfig } from './config.ts';
import { migrate, openDatabase } from './data/db.ts';
import { createI18n } from './i18n.ts';
import { RuntimeError, nodeProblem } from './runtime.ts';
import { pruneExpired } from './services/housekeeping.ts';
import { removeLeftoverTempFiles } from './services/uploads.ts';
import { allQueueStats } from './services/work-queue.ts';
import { lowerBackgroundThreads } from './threads.ts';
import { setPrinterNice } from './services/printing.ts';
import { DEMO_STAFF, demoBorrower, seedDemoAccounts } from './services/seed.ts';
import { ensureDefaultProduct } from './services/products.ts';

const HOUSEKEEPING_EVERY_MS = 10 * 60_000;

async function main(): Promise<void> {
  const unsupported = nodeProblem(process.versions.node);
  if (unsupported) {
    console.error(`cuota: ${unsupported}`);
    process.exit(1);
  }
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`cuota: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
  // Production logs through an async buffer so a request never waits on a write: lines go
  // out 4 KB at a time or every second, whichever is first, and at exit.
  const destination = pino.destination(config.env === 'production' ? { sync: false, minLength: 4096, periodicFlush: 1000 } : { sync: true });
  process.on('exit', () => destination.flushSync());
  const logger = pino({ level: config.logLevel, base: undefined }, destination);
  if (config.env === 'production' && config.sms.sender === 'log') {
    logger.warn('SMS_SENDER=log in production: codes go to the log only (staging); set SMS_SENDER=http for real messages');
  }
  const db = openDatabase(config.database);
  await migrate(db);
  const clock = config.clockAt ? clockStartingAt(config.clockAt) : systemClock;
  if (config.clockAt) logger.warn({ clockAt: config.clockAt.toISOString() }, 'CLOCK_AT: running at a moved clock');
  // The first start seeds the default loan product from PRODUCT_*, the rates, QUOTA_MAX and DELAY_MAX (once).
  await ensureDefaultProduct(db, clock, config);
  if (await seedDemoAccounts(db, clock, config)) {
    logger.info(
      { borrower: demoBorrower(config.market).phone, staff: DEMO_STAFF.email },
      `seeded demo accounts: borrower ${demoBorrower(config.market).phone} / ${demoBorrower(config.market).password}, staff ${DEMO_STAFF.email} / ${DEMO_STAFF.password}`,
    );
  }
  // Half-written files a crash left behind (writeAtomically's *.tmp); nothing is writing yet.
  const leftovers = await removeLeftoverTempFiles(config);
  if (leftovers) logger.warn({ removed: leftovers }, 'removed unfinished upload files left by an earlier run');
  const i18n = await createI18n(config.defaultLanguage, config.market);
  // Before the first request: image decoding and hashing run below the request thread.
  const lowered = await lowerBackgroundThreads(config.backgroundNice);
  setPrinterNice(config.backgroundNice);
  if (lowered) logger.debug({ threads: lowered, nice: config.backgroundNice }, 'background threads run at a lower priority');
  const lifecycle: Lifecycle = { stopping: false };
  const app = createApp({ config, db, clock, i18n, logger, lifecycle });

  const server: Server = app.listen(config.port, config.host, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const url = config.publicUrl ?? `http://${config.host}:${port}`;
    logger.info({ url }, `Cuota is listening on ${url}`);
    if (config.env !== 'production' && config.sms.sender === 'log') {
      logger.info({ outbox: `${url}/dev/outbox` }, `text messages (sign-up codes) are not sent: read them at ${url}/dev/outbox`);
    }
  });
  server.requestTimeout = 30_000;
  // Idle keep-alive connections stay open longer than clients and proxies keep them
  // (60 s is common), so a client never reuses a socket the server is closing.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;

  // `kill -USR2 <pid>` writes the work queues' figures (jobs, peak, refusals, wait for a turn) to the log.
  process.on('SIGUSR2', () => {
    logger.info({ queues: allQueueStats(), threadPool: config.uploads.threadPool }, 'work queues');
    try {
      destination.flushSync();
    } catch {
      // a write is under way: the periodic flush sends it within a second
    }
  });

  const housekeeping = setInterval(() => {
    pruneExpired(db, clock, config).catch((err) => logger.error({ err }, 'housekeeping failed'));
  }, HOUSEKEEPING_EVERY_MS);
  housekeeping.unref();

  /**
   * SIGTERM (or Ctrl-C): stop accepting connections (a proxy sends new requests to
   * the other processes) and answer /readyz 503; every answer from then on says
   * `Connection: close`. Requests in flight finish (at most SHUTDOWN_GRACE_MS, then
   * their connections are cut). Idle keep-alive connections are left for
   * SHUTDOWN_IDLE_MS, longer than the proxy keeps an idle upstream connection: it
   * closes them itself or sends one last request, so it never sends a request on a
   * connection this process is closing (a POST it could not retry). Then the pool
   * is closed, the log flushed, and the exit code is 0.
   */
  const shutdown = (signal: string) => {
    if (lifecycle.stopping) return;
    lifecycle.stopping = true;
    logger.info({ signal, graceMs: config.shutdownGraceMs, idleMs: config.shutdownIdleMs }, 'shutting down: finishing in-flight requests');
    clearInterval(housekeeping);
    const force = setTimeout(() => {
      logger.warn('in-flight requests did not finish in time; closing their connections');
      server.closeAllConnections();
    }, config.shutdownGraceMs);
    force.unref();
    let idle: NodeJS.Timeout | undefined;
    const drain = setTimeout(() => {
      server.closeIdleConnections();
      idle = setInterval(() => server.closeIdleConnections(), 100);
    }, config.shutdownIdleMs);
    // net's close, not http's: http's closes idle keep-alive connections at once (see above).
    net.Server.prototype.close.call(server, async () => {
      clearTimeout(drain);
      clearInterval(idle);
      clearTimeout(force);
      try {
        await db.destroy();
      } catch (err) {
        logger.warn({ err }, 'closing the database pool failed');
      }
      logger.info('stopped');
      destination.flushSync();
      process.exit(0);
    });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err) => {
  if (err instanceof RuntimeError) {
    // No SQLite driver that runs on this Node.js (runtime.ts): one line, no stack.
    console.error(`cuota: ${err.message}`);
    process.exit(1);
  }
  console.error('cuota: failed to start:', err);
  process.exit(1);
});
