// ava reaches TypeScript through tsx only in child processes (workerThreads: false).
// The default suite: the app in process on port 0. Tests that start real processes
// (src/main.ts, the account commands, nginx) are in test/processes/, run by
// `npm run test:processes` (ava.processes.config.js); the browser's in test/browser/.
export default {
  files: ['test/**/*.test.ts', '!test/browser/**', '!test/processes/**'],
  extensions: { ts: 'module' },
  nodeArguments: ['--import=tsx'],
  workerThreads: false,
  timeout: '60s',
};
