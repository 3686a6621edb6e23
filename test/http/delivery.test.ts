import http from 'node:http';
import zlib from 'node:zlib';
import test from 'ava';
import Koa from 'koa';
import { compression } from '../../src/http/middleware/compress.ts';
import { Client } from '../helpers/client.ts';
import { borrow, signedInApp } from '../helpers/loans.ts';
import { payInFull } from '../helpers/payments.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;
test.before(async () => {
  server = await startServer();
});
test.after.always(() => server?.close());

const tokenOf = (html: string) => /<meta name="csrf-token" content="([^"]+)"/.exec(html)![1]!;

/** GET with node:http, which (unlike fetch) hands back the bytes as sent, still compressed. */
function raw(path: string, headers: Record<string, string>): Promise<{ encoding?: string; type?: string; bytes: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(server.url + path, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ encoding: res.headers['content-encoding'], type: res.headers['content-type'], bytes: Buffer.concat(chunks) }));
      })
      .on('error', reject);
  });
}

test('pages, JSON and assets arrive in brotli or gzip, whichever the client takes', async (t) => {
  const br = await raw('/Index/login', { 'Accept-Encoding': 'br, gzip', Accept: 'text/html' });
  t.is(br.encoding, 'br');
  t.regex(zlib.brotliDecompressSync(br.bytes).toString(), /<form method="post" action="\/Index\/ajaxSignIn"/);
  const gz = await raw('/Index/login', { 'Accept-Encoding': 'gzip', Accept: 'text/html' });
  t.is(gz.encoding, 'gzip');
  t.regex(zlib.gunzipSync(gz.bytes).toString(), /<html lang=/);
  const plain = await raw('/Index/login', { 'Accept-Encoding': 'identity', Accept: 'text/html' });
  t.is(plain.encoding, undefined);
  t.true(br.bytes.length < plain.bytes.length / 2, `${br.bytes.length} vs ${plain.bytes.length}`);

  const json = await raw('/Index/languages?format=json', { 'Accept-Encoding': 'gzip', Accept: 'application/json' });
  t.is(json.encoding, undefined, 'a JSON answer under 1 KiB is not worth compressing');
  const offer = await raw('/Repay/loans', { 'Accept-Encoding': 'br', Accept: 'text/html' });
  const script = /src="(\/js\/quote\.[0-9a-f]{10}\.js)"/.exec(zlib.brotliDecompressSync(offer.bytes).toString())?.[1];
  t.truthy(script, 'the offer page names its script by content hash');
  const js = await raw(script!, { 'Accept-Encoding': 'gzip, br' });
  t.is(js.encoding, 'br');
  t.regex(js.type ?? '', /javascript/);
  t.regex(zlib.brotliDecompressSync(js.bytes).toString(), /function/);
  const css = await raw('/css/app.css', { 'Accept-Encoding': 'gzip' });
  t.is(css.encoding, 'gzip');
});

test('a JSON answer over 1 KiB is compressed too', async (t) => {
  const { app } = await signedInApp(server);
  for (let i = 0; i < 2; i++) {
    const loan = await borrow(t, app);
    await payInFull(server, (await app.postApp('/Repay/payData', { oid: loan.oid })).json().data);
  }
  await borrow(t, app);
  const cookie = app.cookieHeader();
  const json = await raw('/Repay/orders', { 'Accept-Encoding': 'gzip', Accept: 'application/json', Cookie: cookie });
  t.is(json.encoding, 'gzip', `${json.bytes.length} bytes`);
  t.is(JSON.parse(zlib.gunzipSync(json.bytes).toString()).status, 200);
});

test('an answer over 256 KiB (a long CSV export) is compressed off the event loop, whole, in either encoding', async (t) => {
  // The middleware alone on a real Koa server: no route of a fresh portal answers that much.
  const rows = Array.from({ length: 12_000 }, (_, i) => `${i},2026-11-${String((i % 28) + 1).padStart(2, '0')},${(i * 7919) % 100_000}.00,paid`).join('\n');
  const app = new Koa().use(compression).use((ctx) => {
    ctx.type = 'text/csv';
    ctx.body = rows;
  });
  const listener = app.listen(0, '127.0.0.1');
  await new Promise((r) => listener.once('listening', r));
  const port = (listener.address() as { port: number }).port;
  const get = (encoding: string) =>
    new Promise<{ encoding?: string; vary?: string; bytes: Buffer }>((resolve, reject) => {
      http
        .get(`http://127.0.0.1:${port}/export.csv`, { headers: { 'Accept-Encoding': encoding } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ encoding: res.headers['content-encoding'], vary: res.headers.vary, bytes: Buffer.concat(chunks) }));
        })
        .on('error', reject);
    });
  try {
    t.true(Buffer.byteLength(rows) > 256 * 1024);
    const br = await get('br');
    t.is(br.encoding, 'br');
    t.is(zlib.brotliDecompressSync(br.bytes).toString(), rows);
    const gz = await get('gzip');
    t.is(gz.encoding, 'gzip');
    t.is(gz.vary, 'Accept-Encoding');
    t.is(zlib.gunzipSync(gz.bytes).toString(), rows);
    t.true(gz.bytes.length < Buffer.byteLength(rows) / 2);
  } finally {
    listener.close();
  }
});

test('the CSRF token differs on every response and each one validates (BREACH)', async (t) => {
  const c = new Client(server.url);
  const first = tokenOf((await c.get('/Index/login', { Accept: 'text/html' })).text);
  const second = tokenOf((await c.get('/Index/login', { Accept: 'text/html' })).text);
  t.not(first, second);
  const page = (await c.get('/Index/login', { Accept: 'text/html' })).text;
  const inPage = [...page.matchAll(/name="_csrf" value="([^"]+)"/g)].map((m) => m[1]);
  t.false(inPage.includes(first) || inPage.includes(second));
  // Both old tokens still belong to the session: a wrong password is a 401/422 re-render, not a 403.
  for (const token of [first, second]) {
    const res = await c.postForm('/Index/ajaxSignIn', { _csrf: token, username: '5500000000', password: 'wrong-password' }, { Accept: 'text/html' });
    t.not(res.status, 403, `token ${token} was refused`);
  }
  // A token with one bit flipped, or another session's, is refused.
  const flipped = Buffer.from(first, 'base64url');
  flipped[40]! ^= 1;
  t.is((await c.postForm('/Index/ajaxSignIn', { _csrf: flipped.toString('base64url'), username: '5500000000', password: 'x' }, { Accept: 'text/html' })).status, 403);
  const other = new Client(server.url);
  const foreign = tokenOf((await other.get('/Index/login', { Accept: 'text/html' })).text);
  t.is((await c.postForm('/Index/ajaxSignIn', { _csrf: foreign, username: '5500000000', password: 'x' }, { Accept: 'text/html' })).status, 403);
});

test('assets: hashed names cached for a year, immutable; plain names revalidated; personal pages not stored', async (t) => {
  const c = new Client(server.url);
  const page = (await c.get('/Repay/index.shtml', { Accept: 'text/html' })).text;
  const icon = /href="(\/img\/icon\.[0-9a-f]{10}\.svg)"/.exec(page)?.[1];
  t.truthy(icon);
  const hashed = await c.get(icon!);
  t.is(hashed.status, 200);
  t.is(hashed.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  t.regex(hashed.headers.get('content-type') ?? '', /image\/svg\+xml/);
  const plain = await c.get('/img/icon.svg');
  t.is(plain.status, 200);
  t.is(plain.headers.get('cache-control'), 'public, max-age=0, must-revalidate');
  t.truthy(plain.headers.get('last-modified'));
  t.is((await c.get('/img/icon.0000000000.svg')).status, 404, 'a stale hash is not served as something else');
  t.is((await c.get('/css/../../package.json')).status, 404);
  // A first page's stylesheet is inline (no render-blocking request) and allowed by its hash alone.
  t.regex(page, /<style>[^<]*\.card\{/);
  t.regex((await c.get('/Index/login')).headers.get('content-security-policy') ?? '', /style-src 'self' 'sha256-[A-Za-z0-9+/=]+'/);
  t.regex(page, /<meta name="description" content="[^"]{40,}">/);

  const { app } = await signedInApp(server);
  const home = await app.get('/Repay/index.shtml', { Accept: 'text/html' });
  t.regex(home.headers.get('cache-control') ?? '', /no-store|private/);
});

test('the language switch keeps the page and its query', async (t) => {
  const c = new Client(server.url);
  const page = (await c.get('/Complaint/index?lang=es&topic=charges', { Accept: 'text/html' })).text;
  t.regex(page, /href="\/Complaint\/index\?topic=charges&amp;lang=en" hreflang="en"/);
});

const cssCookieOf = (headers: Headers) => headers.getSetCookie().find((c) => c.startsWith('cuota.css='));

test('a first page inlines the stylesheet and fetches it quietly; later pages link the cached file', async (t) => {
  const c = new Client(server.url);
  const first = await c.get('/Index/login', { Accept: 'text/html' });
  const href = /<link rel="stylesheet" href="(\/css\/app\.([0-9a-f]{10})\.css)" media="print">/.exec(first.text);
  t.truthy(href, 'the file is asked for at the lowest priority, applied to nothing on screen');
  const [, url, version] = href!;
  t.regex(first.text, /<style>[^<]*\.card\{/);
  const cookie = cssCookieOf(first.headers);
  t.truthy(cookie);
  t.regex(cookie!, new RegExp(`^cuota\\.css=${version}; path=/; expires=[^;]+; samesite=lax; httponly$`));
  const expires = new Date(/expires=([^;]+)/.exec(cookie!)![1]!).getTime();
  t.true(expires - Date.now() > 360 * 24 * 3_600_000, 'kept as long as the file is cached');

  // The browser now holds the file: pages link it, inline nothing, and set nothing more.
  for (const path of ['/Index/login', '/Index/contact', '/Feedback/index']) {
    const later = await c.get(path, { Accept: 'text/html' });
    t.notRegex(later.text, /<style>/, path);
    t.true(later.text.includes(`<link rel="stylesheet" href="${url}">`), path);
    t.is(cssCookieOf(later.headers), undefined, path);
  }
  const file = await c.get(url!);
  t.is(file.status, 200);
  t.is(file.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  t.regex(file.headers.get('content-type') ?? '', /text\/css/);
  t.regex(file.text, /\.card\s*\{/);

  // A signed-in borrower's pages and the console's follow the same cookie.
  const { app } = await signedInApp(server);
  t.regex((await app.get('/Repay/index.shtml', { Accept: 'text/html' })).text, /<style>/);
  t.notRegex((await app.get('/Repay/orders', { Accept: 'text/html' })).text, /<style>/);
  const staff = new Client(server.url);
  staff.cookies.set('cuota.css', version!);
  const console = await staff.get('/support/login', { Accept: 'text/html' });
  t.true(console.text.includes(`<link rel="stylesheet" href="${url}">`));
  t.notRegex(console.text, /<style>/);
});

test('a browser holding an older stylesheet, or a made-up cookie, gets the current one inline again', async (t) => {
  for (const held of ['0123456789', 'x"><script>', '']) {
    const c = new Client(server.url);
    c.cookies.set('cuota.css', held);
    const res = await c.get('/Index/login', { Accept: 'text/html' });
    t.regex(res.text, /<style>[^<]*\.card\{/, held);
    t.notRegex(res.text, /<script>/, held);
    const version = /href="\/css\/app\.([0-9a-f]{10})\.css" media="print"/.exec(res.text)![1]!;
    t.is(cssCookieOf(res.headers)?.split(';')[0], `cuota.css=${version}`, held);
  }
});

test('behind HTTPS the stylesheet cookie is Secure', async (t) => {
  const secure = await startServer({ COOKIE_SECURE: 'true', TRUST_PROXY: 'true' });
  t.teardown(() => secure.close());
  const res = await fetch(`${secure.url}/Index/login`, { headers: { Accept: 'text/html', 'X-Forwarded-Proto': 'https', 'X-Forwarded-For': '203.0.113.9' } });
  t.is(res.status, 200);
  t.regex(cssCookieOf(res.headers) ?? '', /; secure; httponly$/);
});
