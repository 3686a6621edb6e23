// The benchmark's heavy load, in a process of its own: 8 borrowers uploading a
// 12 MP photo and 4 downloading a receipt PDF, each again as soon as the last
// answer came, until SIGTERM. It runs apart from the process that measures
// sign-in and Repay/loans (at the same priority, on the same core), so the
// measuring client's event loop is not the one sending 3.4 MB bodies: what
// its p99 shows is the portal's. On SIGTERM it prints what it got done, so
// the benchmark shows the load the busy figures were taken under. Settings
// come as JSON in HAMMER (scripts/bench.ts).
import fs from 'node:fs';

const { url, uploaders, bodyFile, boundary, pdfUrl, printer } = JSON.parse(process.env.HAMMER);
const body = fs.readFileSync(bodyFile);
const done = { uploads: 0, pdfs: 0, failed: 0 };
const started = performance.now();
let stopping = false;
process.on('SIGTERM', () => (stopping = true));

async function hammer(kind, go) {
  while (!stopping) {
    try {
      const res = await go();
      const text = await res.text();
      // Answers are HTTP 200 with the outcome in the envelope: a refused upload is not one done.
      const ok = res.status === 200 && (kind === 'pdfs' || text.includes('"status":1'));
      done[ok ? kind : 'failed']++;
    } catch {
      done.failed++;
    }
  }
}
const upload = (cookie) => () =>
  fetch(`${url}/Info/ajaxUpload`, {
    method: 'POST',
    headers: { Cookie: cookie, 'X-Requested-With': 'XMLHttpRequest', Accept: 'application/json', 'Content-Type': `multipart/form-data; boundary=${boundary}` },
    body,
  });
const download = () => fetch(pdfUrl, { headers: { Cookie: printer } });

console.log('hammering');
await Promise.all([...uploaders.map((cookie) => hammer('uploads', upload(cookie))), ...Array.from({ length: 4 }, () => hammer('pdfs', download))]);
const seconds = (performance.now() - started) / 1000;
console.log(JSON.stringify({ ...done, seconds: +seconds.toFixed(1), uploadsPerSecond: +(done.uploads / seconds).toFixed(2), pdfsPerSecond: +(done.pdfs / seconds).toFixed(2) }));
