// The PDF printer's thread: renders what printing.ts sends, below the request thread's priority.
import { parentPort, workerData } from 'node:worker_threads';
import { renderPdf } from '../presenters/pdf.ts';
import type { PrintedDocument } from '../presenters/protection.ts';
import { lowerThisThread } from '../threads.ts';

export interface PrintJob {
  id: number;
  doc: PrintedDocument;
  createdAt: Date;
}

export type PrintAnswer = { id: number; pdf: Uint8Array } | { id: number; error: string };

if (parentPort) {
  const port = parentPort;
  lowerThisThread(Number((workerData as { nice?: number } | null)?.nice ?? 0));
  port.on('message', async (job: PrintJob) => {
    let answer: PrintAnswer;
    try {
      const pdf = await renderPdf(job.doc, { createdAt: job.createdAt });
      // A copy of exactly these bytes, moved (not cloned) to the main thread: a small Buffer is a
      // slice of a shared pool, and cloning would carry the whole pool, other documents' bytes too.
      answer = { id: job.id, pdf: new Uint8Array(pdf) };
    } catch (err) {
      answer = { id: job.id, error: (err as Error).message };
    }
    port.postMessage(answer, 'pdf' in answer ? [answer.pdf.buffer as ArrayBuffer] : []);
  });
}
