import type { Server } from 'node:http';
import pino from 'pino';
import { createApp } from './app.ts';
import { clockStartingAt, systemClock } from './clock.ts';
import { ConfigError, loadConfig } from './config.ts';
import { migrate, openDatabase } from './data/db.ts';
import { createI18n } from './i18n.ts';
import { RuntimeError, nodeProblem } from './runtime.ts';
import { pruneExpired } from './services/housekeeping.ts';
import { removeLeftoverTempFiles } from './services/uploads.ts';
import { DEMO_STAFF, demoBorrower, seedDemoAccounts } from './services/seed.ts';

const HOUSEKEEPING_EVERY_MS = 10 * 60_000;
const SHUTDOWN_GRACE_MS = 10_000;

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
  const app = createApp({ config, db, clock, i18n, logger });

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

  const housekeeping = setInterval(() => {
    pruneExpired(db, clock, config).catch((err) => logger.error({ err }, 'housekeeping failed'));
  }, HOUSEKEEPING_EVERY_MS);
  housekeeping.unref();

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    clearInterval(housekeeping);
    const force = setTimeout(() => {
      logger.warn('in-flight requests did not finish in time; closing anyway');
      server.closeAllConnections();
    }, SHUTDOWN_GRACE_MS);
    force.unref();
    server.close(async () => {
      await db.destroy();
      logger.info('stopped');
      process.exit(0);
    });
    server.closeIdleConnections();
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
