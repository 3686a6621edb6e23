import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError, loadConfig } from '../src/config.ts';
import { type Db, migrate, openDatabase } from '../src/data/db.ts';
import { RuntimeError } from '../src/runtime.ts';
import { AccountError } from '../src/services/accounts.ts';

/**
 * Runs one account command against the configured database: parses flags,
 * migrates, runs `action`, and turns every problem into a one-line error (no
 * stack, no password hash) and exit status 1 (2 for bad usage).
 */
/** One line about an unexpected failure: its first line, with any password hash cut out; never a stack. */
function oneLine(err: unknown): string {
  const first = String((err as Error)?.message ?? err).split('\n')[0] ?? '';
  return first.replace(/scrypt\$[^\s'",)]*/g, '[hash]').slice(0, 300);
}

// Output piped into a reader that goes away (`| head`): stop quietly instead of a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  });
}

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
      console.error(`error: ${oneLine(err)}`);
      process.exitCode = 1;
    }
  } finally {
    await db?.destroy();
  }
}
