import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError, loadConfig } from '../src/config.ts';
import { type Db, migrate, openDatabase } from '../src/data/db.ts';
import { RuntimeError } from '../src/runtime.ts';
import { AccountError } from '../src/services/accounts.ts';

/**
 * Runs one account command against the configured database: parses flags,
 * migrates, runs `action`, and turns known problems into a one-line error and
 * exit status 1 (2 for bad usage).
 */
export async function runAccountCommand(
  usage: string,
  options: NonNullable<ParseArgsConfig['options']>,
  action: (db: Db, values: Record<string, string | undefined>) => Promise<string>,
): Promise<void> {
  let values: Record<string, string | undefined>;
  try {
    values = parseArgs({ options, strict: true }).values as Record<string, string | undefined>;
  } catch (err) {
    console.error(`${(err as Error).message}\nusage: ${usage}`);
    process.exit(2);
  }
  const missing = Object.keys(options).filter((k) => options[k]?.default === undefined && !values[k]);
  if (missing.length) {
    console.error(`missing --${missing.join(', --')}\nusage: ${usage}`);
    process.exit(2);
  }
  let db: Db | undefined;
  try {
    const config = loadConfig();
    db = openDatabase(config.database);
    await migrate(db);
    console.log(await action(db, values));
    process.exitCode = 0;
  } catch (err) {
    if (err instanceof AccountError || err instanceof ConfigError || err instanceof RuntimeError) {
      console.error(`error: ${err.message}`);
      process.exitCode = 1;
    } else {
      throw err;
    }
  } finally {
    await db?.destroy();
  }
}
