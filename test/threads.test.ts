import fs from 'node:fs';
import os from 'node:os';
import test from 'ava';
import sharp from 'sharp';
import { loadConfig } from '../src/config.ts';
import { printPdf, setPrinterNice, stopPrinter } from '../src/services/printing.ts';
import { lowerBackgroundThreads } from '../src/threads.ts';

/** Each thread's nice value, from /proc (field 19 of its stat line, after the name in parentheses). */
function niceByThread(): Map<number, number> {
  const out = new Map<number, number>();
  for (const tid of fs.readdirSync('/proc/self/task')) {
    try {
      const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(Number(tid), Number(fields[16]));
    } catch {
      // the thread ended while we read
    }
  }
  return out;
}

// This test file runs in its own process (ava, workerThreads: false): lowering its threads touches nothing else.
test('every thread but the request thread runs lower, and so do the threads they start (libvips decoding a photo)', async (t) => {
  const mainBefore = os.getPriority(process.pid);
  const before = niceByThread();
  const lowered = await lowerBackgroundThreads(7);
  t.true(lowered >= 4, `${lowered} threads lowered (libuv's pool has 4 by default)`);
  const after = niceByThread();
  t.is(after.get(process.pid), mainBefore, 'the request thread keeps its priority');
  const others = [...after].filter(([tid]) => tid !== process.pid);
  t.true(others.length >= lowered);
  // Each thread 7 lower than it was (libuv's pool starts with this call: it was at the main thread's).
  for (const [tid, nice] of others) t.is(nice, Math.min(19, (before.get(tid) ?? mainBefore) + 7), `thread ${tid}`);

  // Decoding and resizing on libuv's pool, through libvips' own threads: each new thread inherits the lower priority.
  await sharp({ create: { width: 2000, height: 1500, channels: 3, background: '#777' } }).jpeg().toBuffer().then((jpeg) => sharp(jpeg).resize(500).toBuffer());
  for (const [tid, nice] of niceByThread()) {
    if (tid === process.pid) continue;
    t.true(nice >= Math.min(19, mainBefore + 7), `${after.has(tid) ? 'thread' : 'new thread'} ${tid} at ${nice}`);
  }
});

test('nothing is lowered at 0, and BACKGROUND_NICE is 0 to 19 (10 by default)', async (t) => {
  t.is(await lowerBackgroundThreads(0), 0);
  t.is(loadConfig({ NODE_ENV: 'test' }).backgroundNice, 10);
  t.is(loadConfig({ NODE_ENV: 'test', BACKGROUND_NICE: '0' }).backgroundNice, 0);
  t.throws(() => loadConfig({ NODE_ENV: 'test', BACKGROUND_NICE: '20' }), { message: /BACKGROUND_NICE/ });
});

const receipt = { filename: 'r.pdf', title: 'Recibo de pago', lender: 'Cuota', rows: [{ label: 'Monto', value: '$1,234.00' }, { label: 'ऋण', value: '₹3,000' }], note: 'Gracias' };

test.serial('PDFs print on a thread of their own, below the request thread, and a printer that stopped is replaced', async (t) => {
  setPrinterNice(5);
  const before = new Set(niceByThread().keys());
  const pdfs = await Promise.all(Array.from({ length: 5 }, () => printPdf(receipt, { createdAt: new Date('2026-11-23T00:00:00Z') })));
  for (const pdf of pdfs) t.is(pdf.subarray(0, 5).toString(), '%PDF-');
  // The printer is the thread that appeared for the first PDF, and it runs 5 below this one.
  const printerThreads = [...niceByThread()].filter(([tid]) => !before.has(tid));
  t.true(printerThreads.length >= 1);
  t.true(printerThreads.some(([, nice]) => nice === os.getPriority(process.pid) + 5), JSON.stringify(printerThreads));
  await stopPrinter();
  const again = await printPdf(receipt, { createdAt: new Date() });
  t.is(again.subarray(0, 5).toString(), '%PDF-');

  // A printer that goes with a job on it: the job is answered 503 (busy, try again), the next one prints.
  await stopPrinter();
  const lost = printPdf(receipt, { createdAt: new Date() });
  await stopPrinter();
  const refused = await t.throwsAsync(lost);
  t.like(refused, { status: 503, key: 'errors.busy' });
  t.is((await printPdf(receipt, { createdAt: new Date() })).subarray(0, 5).toString(), '%PDF-');
});
