import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';

/**
 * Which Node.js versions Cuota runs on, and which build of the SQLite driver
 * each one loads (docs/decisions.md, issue 24). better-sqlite3 12 is built
 * on Node's C++ ObjectWrap and aborts on Node >= 24.19; better-sqlite3 13 is
 * built on Node-API but needs Node >= 22 (it crashes on Node 20). Both are
 * installed, 13 under the alias `better-sqlite3-napi`, and start-up picks one
 * by the running Node.js.
 */
export type SqliteDriver = typeof BetterSqlite3;

export const SUPPORTED_NODE = '20.19+, 22.12+ or 24+ (24 LTS recommended)';

interface DriverChoice {
  /** The name it is installed under (package.json). */
  package: 'better-sqlite3' | 'better-sqlite3-napi';
  /** The better-sqlite3 major version that name must hold on this Node. */
  major: 12 | 13;
}

/** A start-up that cannot go on: its message is one line, printed as is. */
export class RuntimeError extends Error {
  override name = 'RuntimeError';
}

function parse(version: string): [number, number] {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number);
  return [major, minor];
}

/** Why this Node.js version cannot run Cuota, or null when it can. */
export function nodeProblem(nodeVersion: string): string | null {
  const [major, minor] = parse(nodeVersion);
  const supported = (major === 20 && minor >= 19) || (major === 22 && minor >= 12) || major >= 24;
  return supported ? null : `Node.js ${nodeVersion} is not supported; Cuota runs on Node.js ${SUPPORTED_NODE}`;
}

/** The SQLite driver a supported Node.js version loads. */
export function driverFor(nodeVersion: string): DriverChoice {
  return parse(nodeVersion)[0] >= 22 ? { package: 'better-sqlite3-napi', major: 13 } : { package: 'better-sqlite3', major: 12 };
}

/**
 * Why the installed driver cannot run on this Node.js version, or null when
 * it can. Checked before the driver is loaded: the wrong pairing does not
 * fail cleanly, it crashes the process (13 on Node 20) or aborts it later
 * (12 on Node >= 24.19).
 */
export function pairingProblem(nodeVersion: string, installedVersion: string | null): string | null {
  const want = driverFor(nodeVersion);
  const name = want.package === 'better-sqlite3' ? 'better-sqlite3' : `better-sqlite3-napi (npm:better-sqlite3@${want.major})`;
  if (installedVersion === null) {
    return `the SQLite driver for Node.js ${nodeVersion}, ${name}, is not installed; run npm install with this Node.js`;
  }
  if (parse(installedVersion)[0] !== want.major) {
    return `${name} is better-sqlite3 ${installedVersion}, which does not run on Node.js ${nodeVersion}; Cuota needs better-sqlite3 ${want.major} there (run npm ci)`;
  }
  return null;
}

const requireCjs = createRequire(import.meta.url);
let loaded: SqliteDriver | undefined;

function installedVersion(pkg: string): string | null {
  try {
    return (requireCjs(`${pkg}/package.json`) as { version: string }).version;
  } catch {
    return null;
  }
}

/**
 * The SQLite driver for the running Node.js, loaded once and tried on an
 * in-memory database (better-sqlite3 loads its native part on first use, so
 * a build for another Node.js shows here rather than at the first request).
 * Throws a RuntimeError with one line when there is none that runs here.
 */
export function sqliteDriver(nodeVersion: string = process.versions.node): SqliteDriver {
  if (loaded) return loaded;
  const problem = nodeProblem(nodeVersion) ?? pairingProblem(nodeVersion, installedVersion(driverFor(nodeVersion).package));
  if (problem) throw new RuntimeError(problem);
  const { package: pkg } = driverFor(nodeVersion);
  try {
    const driver = requireCjs(pkg) as SqliteDriver;
    new driver(':memory:').close();
    loaded = driver;
  } catch (err) {
    const reason = (err as Error).message.replace(/\s+/g, ' ').trim();
    throw new RuntimeError(`the SQLite driver ${pkg} does not load on Node.js ${nodeVersion} (${reason}); run npm rebuild ${pkg}`);
  }
  return loaded;
}
