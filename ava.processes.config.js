// The tests that start real processes: src/main.ts booting, stopping on SIGTERM and
// migrating four at once, the account commands, the refusal on an unsupported Node.js,
// and nginx in front of the app (docs/decisions.md, issue 22). Each process start costs
// seconds of CPU, so they are kept out of the default suite.
import base from './ava.config.js';

export default {
  ...base,
  files: ['test/processes/**/*.test.ts'],
};
