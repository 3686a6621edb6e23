import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import sharp from 'sharp';
import { Client } from '../helpers/client.ts';
import { examples } from '../helpers/contract.ts';
import { makeStaff } from '../helpers/factories.ts';
import { bombPng, multipart, screenshotPng, twoToneJpeg } from '../helpers/images.ts';
import { signedInApp } from '../helpers/loans.ts';
import { displayWidth } from '../../src/services/uploads.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;
let uploadDir: string;
test.before(async () => {
  uploadDir = fs.mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'cuota-uploads-'));
  server = await startServer({ UPLOAD_DIR: uploadDir });
});
test.after.always(async () => {
  await server?.close();
  fs.rmSync(uploadDir, { recursive: true, force: true });
});

const B = 'WebAppBoundary';
const APP = { 'X-Requested-With': 'XMLHttpRequest', Accept: 'application/json' };

/** Sends an upload the way the spec's raw request does: `fileName=file`, then a part with a filename and no Content-Type. */
function specUpload(app: Client, bytes: Buffer, filename = 'a.jpg', extraHeaders: Record<string, string> = {}) {
  const body = multipart(B, [
    ['Content-Disposition: form-data; name="fileName"', 'file'],
    [`Content-Disposition: form-data; name="file"; filename="${filename}"`, bytes],
  ]);
  return app.request('POST', '/Info/ajaxUpload', {
    body,
    headers: { 'Content-Type': `multipart/form-data; boundary=${B}`, ...APP, ...extraHeaders },
  });
}

const leftovers = () => {
  const tmp = path.join(uploadDir, '.tmp');
  return fs.existsSync(tmp) ? fs.readdirSync(tmp) : [];
};

test.serial("the spec's raw multipart request stores the image and answers the contract", async (t) => {
  const { app } = await signedInApp(server);
  const jpeg = await twoToneJpeg();
  const res = await specUpload(app, jpeg);
  t.is(res.status, 200, res.text);
  const body = res.json();
  t.deepEqual(Object.keys(body).sort(), Object.keys(examples['Info/ajaxUpload'] as object).sort());
  t.like(body, { status: 1, url: '' });
  t.regex(body.info, /^\d{8}\/[0-9a-f]{32}\.jpg$/);
  const file = await app.get(`/Public/Upload/${body.info}`);
  t.is(file.status, 200);
  t.is(file.headers.get('cache-control'), 'private, no-store');
  t.is(file.headers.get('x-content-type-options'), 'nosniff');
  t.is(file.headers.get('content-type'), 'image/jpeg');
  t.deepEqual(leftovers(), []);
});

test.serial('an older client sends the file under the field that fileName names', async (t) => {
  const { app } = await signedInApp(server);
  const body = multipart(B, [
    ['Content-Disposition: form-data; name="fileName"', 'photo'],
    ['Content-Disposition: form-data; name="photo"; filename="x.png"\r\nContent-Type: image/png', await screenshotPng('older client')],
  ]);
  const res = await app.request('POST', '/Info/ajaxUpload', { body, headers: { 'Content-Type': `multipart/form-data; boundary=${B}`, ...APP } });
  t.is(res.status, 200, res.text);
  t.is(res.json().status, 1);
});

test.serial('a phone JPEG with EXIF orientation and GPS comes back upright and without any metadata', async (t) => {
  const { app } = await signedInApp(server);
  // Stored sideways (orientation 6 = rotate 90° clockwise to view), with a GPS position.
  const sideways = await twoToneJpeg(1200, 900, (s) =>
    s
      .withExif({
        IFD0: { Make: 'CheapPhone', Model: 'X1' },
        IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '19/1 25/1 0/1', GPSLongitudeRef: 'W', GPSLongitude: '99/1 8/1 0/1' },
      })
      .withMetadata({ orientation: 6 }),
  );
  const sent = await sharp(sideways).metadata();
  t.is(sent.orientation, 6);
  // The GPS IFD pointer (tag 0x8825) is in the EXIF that was sent.
  t.true(sent.exif!.includes(Buffer.from([0x88, 0x25])) || sent.exif!.includes(Buffer.from([0x25, 0x88])));
  const res = await specUpload(app, sideways);
  const stored = Buffer.from(await (await fetch(`${server.url}/Public/Upload/${res.json().info}`, { headers: { Cookie: app.cookieHeader() } })).arrayBuffer());
  const meta = await sharp(stored).metadata();
  t.is(meta.format, 'jpeg');
  t.deepEqual([meta.width, meta.height], [900, 1200], 'rotated upright: portrait now');
  t.is(meta.orientation, undefined);
  t.is(meta.exif, undefined, 'no EXIF at all, so no GPS');
  t.false(stored.includes(Buffer.from('CheapPhone')));
  // Upright: red (the old left half) is now on top, blue at the bottom.
  const { data } = await sharp(stored).resize(1, 2, { fit: 'fill' }).raw().toBuffer({ resolveWithObject: true });
  t.true(data[0]! > 180 && data[2]! < 80, `top is red: ${[...data.subarray(0, 3)]}`);
  t.true(data[5]! > 180 && data[3]! < 80, `bottom is blue: ${[...data.subarray(3, 6)]}`);
});

test('display widths: small images keep theirs, big photos shrink at least threefold but stay 1000 to 1280 px wide', (t) => {
  t.is(displayWidth(720), 720);
  t.is(displayWidth(1080), 1080, 'a phone screenshot is not resampled');
  t.is(displayWidth(1280), 1280);
  t.is(displayWidth(2000), 1000);
  t.is(displayWidth(3000), 1000, 'a 12 MP portrait photo: a third, so JPEG shrink-on-load applies');
  t.is(displayWidth(4000), 1280, 'a 12 MP landscape photo');
  t.is(displayWidth(8000), 1280);
});

test.serial('a sideways 12 MP phone photo is stored upright, 1000 px wide', async (t) => {
  const { app } = await signedInApp(server);
  const photo = await twoToneJpeg(4000, 3000, (s) => s.withMetadata({ orientation: 6 }));
  const res = await specUpload(app, photo);
  t.is(res.status, 200, res.text);
  t.like(await server.db('uploads').where({ path: res.json().info }).first(), { width: 1000, height: 1333 });
});

test.serial('a PNG named .jpg is stored by what it is; a HEIC phone photo is accepted', async (t) => {
  const { app } = await signedInApp(server);
  const png = await specUpload(app, await screenshotPng('renamed'), 'screenshot.jpg');
  t.is(png.status, 200);
  const heic = fs.readFileSync(new URL('../fixtures/proof.heic', import.meta.url));
  const res = await specUpload(app, heic, 'IMG_0001.HEIC');
  t.is(res.status, 200, res.text);
  t.is((await app.get(`/Public/Upload/${res.json().info}`)).status, 200);
  const row = await server.db('uploads').where({ path: res.json().info }).first();
  t.like(row, { width: 640, height: 480 });
  const webp = await specUpload(app, await sharp(await screenshotPng('webp')).webp().toBuffer(), 'a.webp');
  t.is(webp.status, 200);
});

test.serial('anything that is not a photo is refused with the right status, fast, leaving nothing behind', async (t) => {
  const { app, borrower } = await signedInApp(server);
  const jpeg = await twoToneJpeg();
  // HTTP 200 with `status: 0` (the app reads the envelope); the reason is in `info`.
  const unsupported = /not accepted/;
  const damaged = /damaged|too many pixels|Choose an image/;
  const cases: Array<[string, Buffer, RegExp, string]> = [
    ['svg', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>'), unsupported, 'a.svg'],
    ['text renamed .jpg', Buffer.from('just some text, not an image at all\n'.repeat(50)), unsupported, 'a.jpg'],
    ['truncated JPEG', jpeg.subarray(0, Math.floor(jpeg.length / 2)), damaged, 'a.jpg'],
    ['decompression bomb', bombPng(), damaged, 'bomb.png'],
    ['20 MB', Buffer.alloc(20 * 1024 * 1024, 0xff), /too large/, 'big.jpg'],
    ['empty file', Buffer.alloc(0), damaged, 'empty.jpg'],
  ];
  for (const [name, bytes, reason, filename] of cases) {
    const started = Date.now();
    const res = await specUpload(app, bytes, filename);
    t.is(res.status, 200, `${name}: ${res.text}`);
    t.is(res.json().status, 0, name);
    t.regex(res.json().info, reason, name);
    t.true(Date.now() - started < 5000, `${name} answered fast`);
    t.deepEqual(leftovers(), [], `${name}: no temporary file left`);
  }
  t.is((await server.db('uploads').where({ borrower_id: borrower.id })).length, 0);
  const es = await specUpload(app, Buffer.from('text'), 'a.jpg', { 'Accept-Language': 'es' });
  t.regex(es.json().info, /no se acepta/);
});

test.serial('20 files in one request, ../ and CRLF file names are handled safely', async (t) => {
  const { app, borrower } = await signedInApp(server);
  const png = await screenshotPng('many');
  const many = multipart(
    B,
    Array.from({ length: 20 }, (_, i) => [`Content-Disposition: form-data; name="file"; filename="f${i}.png"`, png] as [string, Buffer]),
  );
  const res = await app.request('POST', '/Info/ajaxUpload', { body: many, headers: { 'Content-Type': `multipart/form-data; boundary=${B}`, ...APP } });
  t.is(res.status, 200);
  t.like(res.json(), { status: 0, info: 'Send one image at a time.' });
  t.is((await server.db('uploads').where({ borrower_id: borrower.id })).length, 0);

  const traversal = await specUpload(app, png, '../../../../etc/passwd');
  t.is(traversal.status, 200);
  t.regex(traversal.json().info, /^\d{8}\/[0-9a-f]{32}\.jpg$/);
  const crlf = await app.request('POST', '/Info/ajaxUpload', {
    body: multipart(B, [['Content-Disposition: form-data; name="file"; filename="a\r\nContent-Type: text/html\r\n.jpg"', png]]),
    headers: { 'Content-Type': `multipart/form-data; boundary=${B}`, ...APP },
  });
  t.true(crlf.status === 200 || (crlf.status >= 400 && crlf.status < 500), `CRLF name: ${crlf.status}`);
  const everything = fs.readdirSync(uploadDir, { recursive: true }).map(String);
  t.true(everything.every((f) => /^(\.tmp|\d{8}(\/[0-9a-f]{32}(\.thumb)?\.jpg)?)$/.test(f)), everything.join(','));
  t.deepEqual(leftovers(), []);
});

test.serial('multipart is parsed only on upload routes, and uploads need a session', async (t) => {
  const { app } = await signedInApp(server);
  const body = multipart(B, [['Content-Disposition: form-data; name="money"', '1000']]);
  const res = await app.request('POST', '/Loan/reLoan', { body, headers: { 'Content-Type': `multipart/form-data; boundary=${B}`, ...APP } });
  t.is(res.status, 200, 'the fields of a multipart body elsewhere are not read: reLoan used its defaults');
  t.is((await app.getJson('/Repay/loans')).json().data.money, 5000);
  const visitor = await specUpload(new Client(server.url), await twoToneJpeg());
  t.like(visitor.json(), { status: -100, info: 'Please sign in first.' });
  const notMultipart = await app.postApp('/Info/ajaxUpload', { file: 'x' });
  t.like(notMultipart.json(), { status: 0, info: 'That type of content is not accepted here.' });
});

test.serial('files are private: their owner and staff see them; another borrower and a visitor get 404', async (t) => {
  const owner = await signedInApp(server);
  const info = (await specUpload(owner.app, await screenshotPng('private'))).json().info;
  const thumb = info.replace('.jpg', '.thumb.jpg');
  t.is((await owner.app.get(`/Public/Upload/${thumb}`)).status, 200);
  const other = await signedInApp(server);
  t.is((await other.app.get(`/Public/Upload/${info}`)).status, 404);
  t.is((await new Client(server.url).get(`/Public/Upload/${info}`)).status, 404);
  t.is((await owner.app.get('/Public/Upload/20260302/..%2F..%2Fetc%2Fpasswd')).status, 404);
  const staff = await makeStaff(server.db);
  const console = new Client(server.url);
  const token = await console.csrf('/support/login');
  await console.postForm('/support/login', { _csrf: token, email: staff.email, password: staff.password });
  t.is((await console.get(`/Public/Upload/${info}`)).status, 200);
});

test.serial('a client that goes away mid-upload leaves no temporary file behind', async (t) => {
  const { app } = await signedInApp(server);
  const net = await import('node:net');
  const { port } = new URL(server.url);
  const head = multipart(B, [['Content-Disposition: form-data; name="file"; filename="a.jpg"', Buffer.alloc(64 * 1024, 1)]]).subarray(0, 40 * 1024);
  await new Promise<void>((resolve) => {
    const socket = net.connect(Number(port), '127.0.0.1', () => {
      socket.write(
        `POST /Info/ajaxUpload HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: ${app.cookieHeader()}\r\nX-Requested-With: XMLHttpRequest\r\n` +
          `Content-Type: multipart/form-data; boundary=${B}\r\nContent-Length: ${5 * 1024 * 1024}\r\n\r\n`,
      );
      socket.write(head, () => setTimeout(() => socket.destroy(), 200));
    });
    socket.on('close', () => resolve());
  });
  for (let i = 0; i < 50 && leftovers().length; i++) await new Promise((r) => setTimeout(r, 20));
  t.deepEqual(leftovers(), []);
  t.is((await specUpload(app, await screenshotPng('after abort'))).status, 200, 'the server still serves uploads');
});
