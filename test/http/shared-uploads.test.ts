import fs from 'node:fs';
import test from 'ava';
import { multipart, twoToneJpeg } from '../helpers/images.ts';
import { signedInApp } from '../helpers/loans.ts';
import { Client } from '../helpers/client.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

// Shared uploads (issue 21): two portal instances on one database, each with its own
// (empty) upload directory, like two machines. With UPLOAD_STORAGE=db (the default on
// PostgreSQL) an image stored through one is served by the other.

const B = 'sharedBoundary';
async function upload(app: Client, bytes: Buffer) {
  const res = await app.request('POST', '/Info/ajaxUpload', {
    body: multipart(B, [[`Content-Disposition: form-data; name="file"; filename="a.jpg"`, bytes]]),
    headers: { 'Content-Type': `multipart/form-data; boundary=${B}`, 'X-Requested-With': 'XMLHttpRequest', Accept: 'application/json' },
  });
  if (res.json().status !== 1) throw new Error(`upload: ${res.text}`);
  return res.json().info as string;
}

/** The same signed-in borrower on the other instance: the session lives in the shared database. */
function sameSessionOn(other: TestServer, app: Client): Client {
  const twin = new Client(other.url);
  for (const [k, v] of app.cookies) twin.cookies.set(k, v);
  return twin;
}

async function pair(env: Record<string, string>) {
  const first = await startServer(env);
  const second = await startServer(env, { shareDatabaseWith: first });
  return { first, second, close: async () => { await second.close(); await first.close(); } };
}

test('UPLOAD_STORAGE=db: an upload written through one instance is served by the other, bytes identical', async (t) => {
  const { first, second, close } = await pair({ UPLOAD_STORAGE: 'db' });
  t.teardown(close);
  t.is(first.config.uploadStorage, 'db');
  const { app } = await signedInApp(first);
  const path = await upload(app, await twoToneJpeg());
  const here = await app.get(`/Public/Upload/${path}`);
  const there = await sameSessionOn(second, app).get(`/Public/Upload/${path}`);
  t.is(there.status, 200);
  t.is(there.headers.get('content-type'), 'image/jpeg');
  t.is(there.headers.get('cache-control'), 'private, no-store');
  t.true(there.bytes.equals(here.bytes));
  t.is(Number(there.headers.get('content-length')), there.bytes.length);
  // Nothing went to either directory: the database holds the image and its thumbnail.
  t.deepEqual(fs.readdirSync(first.config.uploadDir), []);
  t.deepEqual(fs.readdirSync(second.config.uploadDir), []);
  const blobs = await first.db('upload_blobs').select('path', 'bytes').orderBy('path');
  t.deepEqual(blobs.map((b) => b.path), [path, path.replace(/\.jpg$/, '.thumb.jpg')]);
  // Still private: another borrower, on either instance, gets the same 404 as for nothing.
  const { app: stranger } = await signedInApp(second);
  t.is((await stranger.get(`/Public/Upload/${path}`)).status, 404);
});

test('UPLOAD_STORAGE=db: the same picture sent again is stored once', async (t) => {
  const { first, second, close } = await pair({ UPLOAD_STORAGE: 'db' });
  t.teardown(close);
  const { app } = await signedInApp(first);
  const jpeg = await twoToneJpeg(1000, 700);
  const [a, b] = await Promise.all([upload(app, jpeg), upload(sameSessionOn(second, app), jpeg)]);
  t.is(a, b);
  t.is(Number((await first.db('upload_blobs').count({ n: '*' }))[0]!.n), 2, 'the image and its thumbnail');
});

test('UPLOAD_STORAGE=dir: each instance serves only its own directory (why several machines need db)', async (t) => {
  const { first, second, close } = await pair({ UPLOAD_STORAGE: 'dir' });
  t.teardown(close);
  const { app } = await signedInApp(first);
  const path = await upload(app, await twoToneJpeg(900, 600));
  t.is((await app.get(`/Public/Upload/${path}`)).status, 200);
  t.is((await sameSessionOn(second, app).get(`/Public/Upload/${path}`)).status, 404);
  t.true(fs.existsSync(`${first.config.uploadDir}/${path}`));
});

test('the storage defaults to the database on PostgreSQL and to the directory on SQLite', async (t) => {
  const { loadConfig } = await import('../../src/config.ts');
  t.is(loadConfig({ DATABASE_URL: 'postgres://u@127.0.0.1/db' }).uploadStorage, 'db');
  t.is(loadConfig({ DATABASE_URL: 'data/x.sqlite' }).uploadStorage, 'dir');
  t.is(loadConfig({ DATABASE_URL: 'postgres://u@127.0.0.1/db', UPLOAD_STORAGE: 'dir' }).uploadStorage, 'dir');
  t.throws(() => loadConfig({ UPLOAD_STORAGE: 's3' }), { message: /UPLOAD_STORAGE/ });
  t.throws(() => loadConfig({ METRICS_ALLOW: '10.0.0.0/33' }), { message: /METRICS_ALLOW/ });
  t.throws(() => loadConfig({ METRICS_ALLOW: 'localhost' }), { message: /METRICS_ALLOW/ });
  t.deepEqual(loadConfig({ METRICS_ALLOW: '127.0.0.1, ::1,10.0.0.0/8' }).metrics.allow, ['127.0.0.1', '::1', '10.0.0.0/8']);
  t.throws(() => loadConfig({ SHUTDOWN_GRACE_MS: '-1' }), { message: /SHUTDOWN_GRACE_MS/ });
});
