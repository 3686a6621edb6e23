import { renderPdf } from '../presenters/pdf.ts';
import { createWorkQueue } from './work-queue.ts';

/**
 * PDFs are printed one at a time per process, 16 waiting, then 503 with
 * Retry-After. pdfkit is synchronous JavaScript (about 5 ms for a receipt on
 * this project's machine) and compresses with zlib's synchronous calls: it
 * never touches libuv's thread pool, so a burst of downloads cannot take
 * sign-in's scrypt threads, and one at a time keeps a burst from holding many
 * half-built documents in memory or the event loop for long in one stretch.
 */
export const pdfQueue = createWorkQueue('pdf', { concurrency: 1, maxWaiting: 16 });

/** A receipt or certificate as PDF bytes, through the PDF queue. */
export function printPdf(...args: Parameters<typeof renderPdf>): Promise<Buffer> {
  return pdfQueue.run(() => renderPdf(...args));
}
