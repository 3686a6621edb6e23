// ava reaches TypeScript through tsx only in child processes (workerThreads: false).
export default {
  files: ['test/**/*.test.ts', '!test/browser/**'],
  extensions: { ts: 'module' },
  nodeArguments: ['--import=tsx'],
  workerThreads: false,
  timeout: '60s',
};
