import { Worker } from 'node:worker_threads';
import type { PrintedDocument } from '../presenters/protection.ts';
import type { PrintAnswer, PrintJob } from './pdf-worker.ts';
import { createWorkQueue, queueBusy } from './work-queue.ts';

/**
 * PDFs are printed one at a time per process, 16 waiting, then 503 with
 * Retry-After. pdfkit is synchronous JavaScript (about 5 ms for a receipt on
 * this project's machine): it runs on a thread of its own (pdf-worker.ts),
 * below the request thread's priority (BACKGROUND_NICE), so a burst of
 * downloads takes the cycles nothing else wants instead of the event loop's.
 * It never touches libuv's pool, so sign-in's scrypt threads stay free, and
 * one at a time keeps a burst from holding many half-built documents.
 */
export const pdfQueue = createWorkQueue('pdf', { concurrency: 1, maxWaiting: 16 });

const WORKER_URL = new URL('./pdf-worker-start.mjs', import.meta.url);

interface Printer {
  worker: Worker;
  pending: Map<number, { resolve: (pdf: Buffer) => void; reject: (err: Error) => void; timer: NodeJS.Timeout }>;
  /** Drops this printer: its jobs are answered 503 and its thread ends. */
  fail: () => void;
}

let printer: Printer | null = null;
let nextId = 1;
let printerNice = 0;

/** How much lower than the request thread the printer's thread runs (main.ts sets BACKGROUND_NICE). */
export function setPrinterNice(nice: number): void {
  printerNice = nice;
}

/** The longest a receipt may take to print before its thread is replaced (one takes about 5 ms). */
const PRINT_TIMEOUT_MS = 20_000;

/**
 * The printer thread, started at the first PDF; a thread that fails (an
 * error, an exit, an answer that cannot be read, a print that never ends) is
 * dropped, its jobs answered 503 (busy, try again), and the next PDF starts a
 * new one.
 */
function currentPrinter(): Printer {
  if (printer) return printer;
  const worker = new Worker(WORKER_URL, { workerData: { nice: printerNice } });
  const pending: Printer['pending'] = new Map();
  const fail = () => {
    if (printer === started) printer = null;
    for (const job of pending.values()) {
      clearTimeout(job.timer);
      job.reject(queueBusy());
    }
    pending.clear();
    void worker.terminate();
  };
  const started: Printer = { worker, pending, fail };
  worker.on('message', (answer: PrintAnswer) => {
    const job = takeJob(started, answer.id);
    if (!job) return;
    if ('pdf' in answer) job.resolve(Buffer.from(answer.pdf.buffer, answer.pdf.byteOffset, answer.pdf.byteLength));
    else job.reject(new Error(answer.error));
  });
  worker.on('messageerror', fail);
  worker.on('error', fail);
  worker.on('exit', fail);
  // An idle printer never keeps the process alive (tests, commands, shutdown).
  worker.unref();
  printer = started;
  return started;
}

/** A job's entry taken off its printer (its timer cleared; the thread let go when nothing else waits). */
function takeJob(p: Printer, id: number) {
  const job = p.pending.get(id);
  if (!job) return undefined;
  p.pending.delete(id);
  clearTimeout(job.timer);
  if (!p.pending.size) p.worker.unref();
  return job;
}

function printOnThread(doc: PrintedDocument, createdAt: Date): Promise<Buffer> {
  const p = currentPrinter();
  const id = nextId++;
  return new Promise<Buffer>((resolve, reject) => {
    // A print that never ends: its thread goes, and every job it held is answered.
    const timer = setTimeout(() => p.pending.has(id) && p.fail(), PRINT_TIMEOUT_MS);
    timer.unref();
    p.pending.set(id, { resolve, reject, timer });
    p.worker.ref();
    try {
      p.worker.postMessage({ id, doc, createdAt } satisfies PrintJob);
    } catch (err) {
      takeJob(p, id);
      reject(err);
    }
  });
}

/** Stops the printer thread (a test's way to see it replaced; nothing needs it at shutdown: it is unref'd). */
export async function stopPrinter(): Promise<void> {
  const p = printer;
  printer = null;
  await p?.worker.terminate();
}

/** A receipt or certificate as PDF bytes, through the PDF queue, printed on the printer thread. */
export function printPdf(doc: PrintedDocument, meta: { createdAt: Date }): Promise<Buffer> {
  return pdfQueue.run(() => printOnThread(doc, meta.createdAt));
}
