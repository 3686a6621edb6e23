import test, { type ExecutionContext } from 'ava';
import { loadConfig } from '../../src/config.ts';
import { imageQueue, MAX_ASPECT_RATIO } from '../../src/services/uploads.ts';
import { Client } from '../helpers/client.ts';
import { bombPng, multipart, screenshotPng } from '../helpers/images.ts';
import { signedInApp } from '../helpers/loans.ts';
import { openUpload, rawRequest } from '../helpers/raw.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;
test.before(async () => {
  server = await startServer({ UPLOADS_PER_HOUR: '3', UPLOAD_MEMORY_MB: '15' });
});
test.after.always(() => server?.close());

const B = 'HostileBoundary';
const APP = { 'X-Requested-With': 'XMLHttpRequest', Accept: 'application/json' };
const MB = 1024 * 1024;

function upload(app: Client, bytes: Buffer) {
  const body = multipart(B, [[`Content-Disposition: form-data; name="file"; filename="a.png"`, bytes]]);
  return app.request('POST', '/Info/ajaxUpload', { body, headers: { 'Content-Type': `multipart/form-data; boundary=${B}`, ...APP } });
}

const multipartHeaders = (length: number, extra: Record<string, string> = {}) => ({
  'Content-Type': `multipart/form-data; boundary=${B}`,
  'Content-Length': String(length),
  ...extra,
});

/**
 * Starts a 10 MB upload as this borrower and holds it open (headers and the file part's
 * head sent, body never finished) until the test ends; resolves once it has been counted
 * (its rate event is in), which is when it has reserved its memory. Destroy it to let go earlier.
 */
async function holdLargestUpload(t: ExecutionContext, app: Client, borrowerId: number) {
  const held = await openUpload(
    server.url,
    '/Info/ajaxUpload',
    multipartHeaders(10 * MB, { ...APP, Cookie: app.cookieHeader() }),
    Buffer.from(`--${B}\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\n`),
  );
  t.teardown(() => held.destroy());
  while (!(await server.db('rate_events').where({ kind: 'upload', subject: String(borrowerId) }).first())) {
    await new Promise((r) => setImmediate(r));
  }
  return held;
}

test('an anonymous 29 MB upload is refused before a byte of its body is read', async (t) => {
  // No session, no token: only the headers are ever sent.
  // A visitor may send fields but no files, so its declared size alone refuses it (413 in the envelope).
  const res = await rawRequest(server.url, '/Feedback/ajaxCreate', multipartHeaders(29 * MB, { Accept: 'application/json' }));
  t.is(res.status, 200);
  t.is(JSON.parse(res.text).status, 413);
  t.is(res.headers.connection, 'close');
  // A cross-site form with a session is refused just as early.
  const visitor = new Client(server.url);
  await visitor.get('/Feedback/index');
  const cross = await rawRequest(server.url, '/Feedback/ajaxCreate', multipartHeaders(29 * MB, { Cookie: visitor.cookieHeader(), Origin: 'https://evil.example' }));
  t.is(JSON.parse(cross.text).status, 403);
});

test('a declared size beyond the route limits is 413 before the body; no declared size is 411', async (t) => {
  const { app } = await signedInApp(server);
  const big = await rawRequest(server.url, '/Info/ajaxUpload', multipartHeaders(40 * MB, { ...APP, Cookie: app.cookieHeader() }));
  t.is(big.status, 200, 'refusals are answered in the envelope');
  t.is(JSON.parse(big.text).info, 'What you sent is too large.');
  const chunked = await rawRequest(server.url, '/Info/ajaxUpload', {
    'Content-Type': `multipart/form-data; boundary=${B}`,
    'Transfer-Encoding': 'chunked',
    ...APP,
    Cookie: app.cookieHeader(),
  });
  t.is(JSON.parse(chunked.text).status, 0);
  t.is(JSON.parse(chunked.text).info, 'Your upload did not say its size. Please try again from the page.');
});

test('a borrower gets 429 with Retry-After past UPLOADS_PER_HOUR, before the body is sent', async (t) => {
  const { app } = await signedInApp(server);
  const png = await screenshotPng('rate');
  for (let i = 0; i < 3; i++) t.is((await upload(app, png)).status, 200);
  const limited = await rawRequest(server.url, '/Info/ajaxUpload', multipartHeaders(png.length + 200, { ...APP, Cookie: app.cookieHeader() }));
  t.is(JSON.parse(limited.text).status, 0);
  t.truthy(Number(limited.headers['retry-after']) > 0);
  t.regex(JSON.parse(limited.text).info, /many images/);
  // Another borrower is not affected.
  const { app: other } = await signedInApp(server);
  t.is((await upload(other, png)).status, 200);
});

test('the process holds at most UPLOAD_MEMORY_MB of uploads: past it, 503 and Retry-After', async (t) => {
  const { app: one, borrower } = await signedInApp(server);
  const { app: two } = await signedInApp(server);
  // The first upload is counted (and so has reserved its memory) and held open.
  const held = await holdLargestUpload(t, one, borrower.id);
  const busy = await rawRequest(server.url, '/Info/ajaxUpload', multipartHeaders(10 * MB, { ...APP, Cookie: two.cookieHeader() }));
  t.is(busy.status, 503);
  t.is(busy.headers['retry-after'], '5');
  // Once the first lets go, there is room again.
  held.destroy();
  const png = await screenshotPng('after');
  let res = await upload(two, png);
  for (let i = 0; i < 50 && res.status === 503; i++) res = await upload(two, png);
  t.is(res.status, 200);
});

test('absurdly thin or long images are refused from their header', async (t) => {
  for (const [w, h] of [
    [1, 30_000_000],
    [1, 100_000],
    [20_000, 20],
    [MAX_ASPECT_RATIO * 10 + 1, 10],
  ] as const) {
    const { app } = await signedInApp(server); // each its own borrower: three uploads an hour here
    const res = await upload(app, bombPng(w, h));
    t.is(res.json().status, 0, `${w}x${h}`);
    t.is(res.json().info, 'That image is too long or too thin to be a receipt or a screenshot.');
  }
});

// Serial: the queue is the process's, so no other test of this file may upload meanwhile.
test.serial('image work runs at most UPLOAD_IMAGE_JOBS at a time, whatever the burst', async (t) => {
  const borrowers = await Promise.all(Array.from({ length: 6 }, () => signedInApp(server)));
  const images = await Promise.all(borrowers.map((_, i) => screenshotPng(`burst ${i}`, 1080, 2340)));
  const statuses = await Promise.all(borrowers.map(({ app }, i) => upload(app, images[i]!).then((r) => r.status)));
  t.deepEqual(statuses, [200, 200, 200, 200, 200, 200]);
  const stats = imageQueue(server.config).stats();
  t.is(stats.peak, server.config.uploads.imageJobs);
  t.is(stats.running, 0);
});

test('image jobs must leave libuv threads for sign-in', (t) => {
  t.throws(() => loadConfig({ UPLOAD_IMAGE_JOBS: '4' }), { message: /UPLOAD_IMAGE_JOBS must be smaller than UV_THREADPOOL_SIZE/ });
  t.is(loadConfig({ UPLOAD_IMAGE_JOBS: '6', UV_THREADPOOL_SIZE: '8' }).uploads.imageJobs, 6);
});

test.serial('one borrower holds at most one largest upload in memory; others still get in', async (t) => {
  const { app: one, borrower } = await signedInApp(server);
  const { app: two } = await signedInApp(server);
  await holdLargestUpload(t, one, borrower.id);
  const second = await rawRequest(server.url, '/Info/ajaxUpload', multipartHeaders(MB, { ...APP, Cookie: one.cookieHeader() }));
  t.is(second.status, 503, 'the same borrower cannot hold a second upload');
  const png = await screenshotPng('someone else');
  t.is((await upload(two, png)).json().status, 1, 'another borrower is not kept out');
});

test('documents for an identity step that is not open are refused before the body, and nothing is stored', async (t) => {
  const { app, borrower } = await signedInApp(server); // verified already
  const before = (await server.db('uploads').where({ borrower_id: borrower.id })).length;
  const res = await rawRequest(server.url, '/Identity/documents', multipartHeaders(3 * MB, { ...APP, Cookie: app.cookieHeader() }));
  t.is(JSON.parse(res.text).status, 409);
  t.is(res.headers.connection, 'close');
  t.is((await server.db('uploads').where({ borrower_id: borrower.id })).length, before);
});
