import test from 'ava';
import { readFileSync, readdirSync } from 'node:fs';

// Every variable a documented command sets (`NAME=value cmd`) must be one the portal reads:
// an unknown name (DATABASE_FILE once) is silently ignored and the command does something else.
const known = new Set(
  [...readFileSync('src/config.ts', 'utf8').matchAll(/^ {2}([A-Z][A-Z0-9_]+): /gm)].map((m) => m[1] ?? ''),
);
// Read by the test runners, scripts or the shell, not by the portal.
const elsewhere = new Set(['TEST_DATABASE_URL', 'MALLOC_ARENA_MAX', 'UV_THREADPOOL_SIZE', 'PATH', 'SOAK_SECONDS', 'LIGHTHOUSE_MIN', 'BENCH_SECONDS', 'BENCH_ROUNDS']);

test('documented commands set only variables that something reads', (t) => {
  const files = ['README.md', ...readdirSync('docs').filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
  const unknown: string[] = [];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const blocks = [...text.matchAll(/```(?:sh|bash)?\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
    const inline = [...text.matchAll(/`([^`\n]*=[^`\n]* (?:npm|npx|node)\b[^`\n]*)`/g)].map((m) => m[1] ?? '');
    for (const code of [...blocks, ...inline]) {
      for (const m of code.matchAll(/(?:^|[\s;(])([A-Z][A-Z0-9_]+)=/gm)) {
        const name = m[1] ?? '';
        if (!known.has(name) && !elsewhere.has(name)) unknown.push(`${file}: ${name}`);
      }
    }
  }
  t.true(known.has('DATABASE_URL') && known.size > 30, 'the list of variables was read from src/config.ts');
  t.deepEqual(unknown, []);
});
