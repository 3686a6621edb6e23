import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import test from 'ava';
import { ROOT } from '../helpers/process.ts';

// src/main.ts started on a Node.js it does not support (the checks themselves: test/runtime.test.ts).

test('start-up on an unsupported Node.js refuses with one line, before touching the database', async (t) => {
  t.timeout(180_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cuota-runtime-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const filename = path.join(dir, 'cuota.sqlite');
  await Promise.all(
    ['18.20.4', '23.11.1'].map(async (version) => {
      // The process reports another Node.js version; nothing else is changed.
      const fake = `data:text/javascript,Object.defineProperty(process.versions,"node",{value:"${version}"})`;
      const run = await promisify(execFile)(process.execPath, [`--import=${fake}`, '--import', 'tsx', 'src/main.ts'], {
        cwd: ROOT,
        env: { PATH: process.env.PATH, PORT: '0', HOST: '127.0.0.1', DATABASE_URL: filename },
        // A start-up that does not refuse would listen forever.
        timeout: 150_000,
      }).then(
        () => ({ code: 0, stdout: '', stderr: 'started' }),
        (err: { code: number; stdout: string; stderr: string }) => err,
      );
      t.is(run.code, 1, version);
      t.is(run.stdout, '');
      t.is(run.stderr, `cuota: Node.js ${version} is not supported; Cuota runs on Node.js 20.19+, 22.12+ or 24+ (24 LTS recommended)\n`);
    }),
  );
  t.false(fs.existsSync(filename));
});
