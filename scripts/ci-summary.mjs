#!/usr/bin/env node
// The closing line of .ci/run: "N passed, N failed", counted from ava's
// output of each suite (not from its last lines, which leave out the passed
// tests as soon as one fails).
//
//   node scripts/ci-summary.mjs <exit status>:<log file> ...
//
// A test counts once, by its own line (✔ or ✘ [fail]). Every failure is also
// named above the closing line, with its suite (the log's first line, "ci:
// <command>", as .ci/run writes it), so that the last lines of a long run say
// what failed. A test file whose
// process died (an uncaught exception or unhandled rejection, a non-zero exit,
// a signal such as SIGABRT from a native module, tests left behind) counts as
// one failure more, even when none of its test lines says so; a run that timed
// out counts once too. A suite that exited non-zero with nothing counted as
// failed (npm could not start it, say) counts as one failure.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ANSI = /\u001b\[[0-9;]*m/g;

const CRASHED_FILE = [
  /^Uncaught exception in (\S+)/,
  /^Unhandled rejection in (\S+)/,
  /^✘ (\S+) exited (?:with a non-zero exit code|due to)/,
  /^✘ \d+ tests? remaining in (\S+)/,
  /^✘ Internal error when running (\S+)/,
  /^✘ Exiting due to process\.exit\(\) when running (\S+)/,
  /^✘ No tests found in (\S+)/,
];
const RUN_CRASHED = [/^✘ Timed out while running tests/, /^✘ Internal error$/, /^✘ Error in shared worker/, /^✘ Couldn’t find any files to test/];

/** Counts one suite's ava output; `status` is the suite's exit status. */
export function countSuite(output, status) {
  let passed = 0;
  const failures = [];
  const crashedFiles = new Map();
  for (const raw of output.replace(ANSI, '').split('\n')) {
    const line = raw.trim();
    if (/^✔ /.test(line)) passed += 1;
    else if (/^✘ \[(?:fail|unexpected pass)\]:/.test(line) || RUN_CRASHED.some((re) => re.test(line))) failures.push(line);
    else {
      for (const re of CRASHED_FILE) {
        const m = re.exec(line);
        if (m && !crashedFiles.has(m[1])) crashedFiles.set(m[1], line);
      }
    }
  }
  failures.push(...crashedFiles.values());
  if (status !== 0 && failures.length === 0) failures.push(`exited with status ${status}`);
  return { passed, failed: failures.length, failures };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  let passed = 0;
  let failed = 0;
  for (const arg of process.argv.slice(2)) {
    const at = arg.indexOf(':');
    const status = Number(arg.slice(0, at));
    const file = arg.slice(at + 1);
    const output = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
    const suite = countSuite(output, status);
    // "env PATH=<Node 24's bin>:... sh -c ..." reads better without the PATH.
    const name = (/^ci: (.*)/.exec(output)?.[1] ?? path.basename(file)).replace(/^env PATH=\S+ /, '');
    for (const failure of suite.failures) console.log(`failed in ${name}: ${failure}`);
    passed += suite.passed;
    failed += suite.failed;
  }
  console.log(`${passed} passed, ${failed} failed`);
}
