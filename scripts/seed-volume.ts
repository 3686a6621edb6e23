// npm run seed:volume -- --borrowers 200000 --loans 1000000 [--seed 22] [--batch 2000]
// Fills the database DATABASE_URL names (SQLite file or PostgreSQL URL, as
// `npm start` reads it) with borrowers and realistic loan histories, for
// measuring how cost grows with data (`npm run bench -- --volume`). Migrates
// first. Adds to what is there; never deletes.
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.ts';
import { migrate, openDatabase } from '../src/data/db.ts';
import { seedVolume } from '../src/services/volume.ts';

const { values } = parseArgs({
  options: {
    borrowers: { type: 'string', default: '200000' },
    loans: { type: 'string', default: '1000000' },
    seed: { type: 'string', default: '22' },
    batch: { type: 'string', default: '2000' },
  },
});
const count = (name: string, v: string | undefined) => {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0) {
    console.error(`seed:volume: --${name} must be a whole number, not ${v}`);
    process.exit(2);
  }
  return n;
};
const borrowers = count('borrowers', values.borrowers);
const loans = count('loans', values.loans);
if (borrowers < 1) {
  console.error('seed:volume: --borrowers must be at least 1');
  process.exit(2);
}
const config = loadConfig();
const db = openDatabase(config.database);
const started = performance.now();
try {
  await migrate(db);
  if (config.database.client === 'better-sqlite3') {
    // Loading only: a crash mid-run leaves a database to throw away anyway.
    await db.raw('pragma synchronous = off');
  }
  let shown = 0;
  const summary = await seedVolume(db, config, Date.now(), {
    borrowers,
    loans,
    seed: count('seed', values.seed),
    batch: Math.max(1, count('batch', values.batch)),
    onBatch: ({ borrowers: b, loans: l }) => {
      const s = (performance.now() - started) / 1000;
      if (s - shown >= 5 || b === borrowers) {
        shown = s;
        console.log(`${b.toLocaleString('en')} borrowers, ${l.toLocaleString('en')} loans, ${s.toFixed(0)} s`);
      }
    },
  });
  if (config.database.client === 'better-sqlite3') await db.raw('analyze');
  else await db.raw('analyze');
  console.log(JSON.stringify({ ...summary, seconds: +((performance.now() - started) / 1000).toFixed(1), database: config.database.client }, null, 2));
} finally {
  await db.destroy();
}
