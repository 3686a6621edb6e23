import base from './ava.config.js';

// The browser suite: real Chromium (Debian's /usr/bin/chromium) driven by playwright-core.
export default { ...base, files: ['test/browser/**/*.test.ts'], concurrency: 1, timeout: '120s' };
