import test from 'ava';
import { pdfQueue } from '../../src/services/printing.ts';
import { imageQueue } from '../../src/services/uploads.ts';
import { createWorkQueue } from '../../src/services/work-queue.ts';
import { Client } from '../helpers/client.ts';
import { bombPng, multipart, screenshotPng } from '../helpers/images.ts';
import { borrow, signedInApp } from '../helpers/loans.ts';
import { payInFull } from '../helpers/payments.ts';
import { makeBorrower } from '../helpers/factories.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

// Heavy work (images, PDFs) goes through bounded queues and never holds up light work.

let server: TestServer;
test.before(async () => {
  server = await startServer();
});
test.after.always(() => server?.close());

const B = 'HeavyBoundary';
const APP = { 'X-Requested-With': 'XMLHttpRequest', Accept: 'application/json' };
const upload = (app: Client, bytes: Buffer) =>
  app.request('POST', '/Info/ajaxUpload', {
    body: multipart(B, [[`Content-Disposition: form-data; name="file"; filename="a.png"`, bytes]]),
    headers: { 'Content-Type': `multipart/form-data; boundary=${B}`, ...APP },
  });

test('a queue runs at most its concurrency, hands a freed slot to the oldest waiter, refuses past its waiting room, and records the wait', async (t) => {
  let clock = 0;
  const q = createWorkQueue('test', { concurrency: 2, maxWaiting: 3 }, () => clock);
  const gates: Array<() => void> = [];
  const order: number[] = [];
  let running = 0;
  let most = 0;
  const job = (i: number) => () =>
    new Promise<number>((resolve) => {
      running++;
      most = Math.max(most, running);
      order.push(i);
      gates.push(() => {
        running--;
        resolve(i);
      });
    });
  const runs = [0, 1, 2, 3, 4].map((i) => q.run(job(i)));
  const refused = await q.run(job(5)).catch((e: { status: number; headers?: Record<string, string> }) => e);
  t.like(refused, { status: 503 });
  t.like(q.stats(), { running: 2, waiting: 3, refused: 1 });
  clock = 40;
  // The freed slot goes to the oldest waiter; a newcomer queues behind the others.
  gates.shift()!();
  await new Promise((r) => setImmediate(r));
  const late = q.run(job(6)).catch((e) => e);
  t.deepEqual(order, [0, 1, 2]);
  t.like(q.stats(), { running: 2, waiting: 3 });
  while (gates.length) {
    gates.shift()!();
    await new Promise((r) => setImmediate(r));
  }
  t.deepEqual(await Promise.all(runs), [0, 1, 2, 3, 4]);
  t.is(await late, 6);
  t.deepEqual(order, [0, 1, 2, 3, 4, 6]);
  t.is(most, 2);
  const stats = q.stats();
  t.like(stats, { running: 0, waiting: 0, peak: 2, started: 6, refused: 1 });
  t.is(stats.wait.maxMs, 40, 'the waiters waited while the clock moved 40 ms');
});

test.serial('a 1 x 30,000,000 px PNG is refused from its header while a sign-in and light pages go on', async (t) => {
  const uploader = await signedInApp(server);
  const reader = await signedInApp(server);
  const borrower = await makeBorrower(server.db);
  const before = imageQueue(server.config).stats().started;
  const thin = bombPng(1, 30_000_000);
  const [refused, signIn, loans] = await Promise.all([
    upload(uploader.app, thin),
    new Client(server.url).postApp('/Index/ajaxSignIn', { username: borrower.phone, password: borrower.password }),
    reader.app.getJson('/Repay/loans'),
  ]);
  t.like(refused.json(), { status: 0, info: 'That image is too long or too thin to be a receipt or a screenshot.' });
  t.is(signIn.json().status, 200, signIn.text);
  t.is(loans.json().status, 200);
  // Refused before any decoding: it never took a turn on the image queue.
  t.is(imageQueue(server.config).stats().started, before);
  // And a real photo after it still goes through.
  t.is((await upload(uploader.app, await screenshotPng('after thin'))).json().status, 1);
});

test.serial('a burst of PDF downloads is printed one at a time and every one arrives; sign-in is not held up', async (t) => {
  const { app } = await signedInApp(server);
  const data = await borrow(t, app, '2000', '7');
  await payInFull(server, (await app.postApp('/Repay/payData', { oid: data.oid })).json().data);
  const borrower = await makeBorrower(server.db);
  const startedBefore = pdfQueue.stats().started;
  const [pdfs, signIn] = await Promise.all([
    Promise.all(Array.from({ length: 12 }, () => app.get(`/Repay/certificate/pdf?oid=${data.oid}`))),
    new Client(server.url).postApp('/Index/ajaxSignIn', { username: borrower.phone, password: borrower.password }),
  ]);
  t.deepEqual(pdfs.map((p) => p.status), Array(12).fill(200));
  t.true(pdfs.every((p) => p.bytes.subarray(0, 5).toString() === '%PDF-'));
  t.is(signIn.json().status, 200);
  const stats = pdfQueue.stats();
  t.is(stats.started - startedBefore, 12);
  t.is(stats.peak, 1);
  t.is(stats.running, 0);
});
