import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { freePort, startNginx } from '../../deploy/cluster-kit.ts';
import { assetMapLines, clientMaxBodySize } from '../../deploy/nginx-config.ts';
import { Client } from '../helpers/client.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

// deploy/nginx.conf (issue 21), the real nginx from Debian in front of the app:
// fingerprinted files from disk, forwarded addresses for TRUSTED_PROXY_HOPS=1, the
// body limit, compression left to the portal, /metrics closed.

let server: TestServer;
let nginx: Awaited<ReturnType<typeof startNginx>>;
let dir: string;
test.before(async () => {
  server = await startServer({ TRUST_PROXY: 'true', TRUSTED_PROXY_HOPS: '1', METRICS_ALLOW: '127.0.0.1' });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cuota-nginx-'));
  fs.chmodSync(dir, 0o755);
  nginx = await startNginx({ upstreams: [new URL(server.url).host], port: await freePort(), runDir: path.join(dir, 'run') });
});
test.after.always(async () => {
  await nginx?.stop();
  await server?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const hashedCss = () => assetMapLines().split('\n').find((l) => l.startsWith('/css/app.'))!.split(' ')[0]!;

test('fingerprinted files come from disk with the long-cache headers, compressed by nginx', async (t) => {
  const css = hashedCss();
  t.regex(css, /^\/css\/app\.[0-9a-f]{10}\.css$/);
  const res = await fetch(nginx.url + css, { headers: { 'Accept-Encoding': 'gzip' } });
  t.is(res.status, 200);
  t.is(res.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  t.is(res.headers.get('content-type'), 'text/css');
  t.is(res.headers.get('content-encoding'), 'gzip');
  t.is(res.headers.get('x-request-id'), null, 'no portal saw it');
  t.is(await res.text(), fs.readFileSync(path.resolve(import.meta.dirname, '../../public/css/app.css'), 'utf8'));
  // A hash that is not the current one is the portal's to answer (never cached as immutable).
  const stale = await fetch(`${nginx.url}/css/app.0000000000.css`);
  t.not(stale.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  t.truthy(stale.headers.get('x-request-id'), 'the portal answered');
});

test("pages pass through with the portal's own compression, not nginx's", async (t) => {
  const res = await fetch(`${nginx.url}/Index/login`, { headers: { Accept: 'text/html', 'Accept-Encoding': 'br, gzip' } });
  t.is(res.status, 200);
  t.is(res.headers.get('content-encoding'), 'br', 'brotli: only the portal makes it');
  t.truthy(res.headers.get('x-request-id'));
  t.regex(await res.text(), /<html/);
});

test('the portal sees the client address nginx saw, not one the client made up (one trusted hop)', async (t) => {
  const before = server.logs.length;
  const res = await fetch(`${nginx.url}/Index/languages`, { headers: { 'X-Forwarded-For': '203.0.113.7' } });
  t.is(res.status, 200);
  const line = server.logs.slice(before).find((l) => l.msg === 'request' && l.route === '/Index/languages');
  t.is(line?.ip, '127.0.0.1', JSON.stringify(line));
});

test('/metrics is closed at nginx even though the portal would answer the address', async (t) => {
  t.is((await fetch(`${server.url}/metrics`)).status, 200, 'directly: allowed');
  const res = await fetch(`${nginx.url}/metrics`);
  t.is(res.status, 404);
  t.notRegex(await res.text(), /cuota_/);
  t.is((await fetch(`${nginx.url}/readyz`)).status, 200, 'the probes pass through');
});

test("bodies over the portal's largest upload are refused by nginx; sign-in through it works", async (t) => {
  t.is(clientMaxBodySize({}), '31m');
  t.is(clientMaxBodySize({ UPLOAD_MAX_MB: '5' }), '16m');
  const big = Buffer.alloc(32 * 1024 * 1024, 97);
  const res = await fetch(`${nginx.url}/Info/ajaxUpload`, { method: 'POST', body: new Uint8Array(big), headers: { 'Content-Type': 'multipart/form-data; boundary=x' } });
  t.is(res.status, 413);
  // A form through nginx: Host with its port reaches the portal, so the origin check passes.
  const app = new Client(nginx.url);
  const signIn = await app.postApp('/Index/ajaxSignIn', { username: '5500000000', password: 'wrong-password' }, { Origin: nginx.url });
  t.is(signIn.status, 200);
  t.is(signIn.json().status, 401, signIn.text);
});
