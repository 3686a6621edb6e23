import crypto from 'node:crypto';
import busboy from 'busboy';
import type { Context, Next } from 'koa';
import { AppError, payloadTooLarge, unsupportedMediaType } from '../../errors.ts';
import { queueBusy } from '../../services/work-queue.ts';
import { assertCsrf, assertCsrfBeforeBody } from './csrf.ts';

export interface UploadedFile {
  field: string;
  /** The bytes as sent (never more than the size limit). */
  data: Buffer;
  bytes: number;
  /** sha256 of the bytes, computed while they arrived. */
  sha256: string;
}

export interface Multipart {
  fields: Record<string, string>;
  files: UploadedFile[];
}

declare module 'koa' {
  interface DefaultState {
    multipart?: Multipart;
  }
}

const tooManyFiles = () => new AppError(413, 'too_many_files', 'errors.too_many_files');
const badMultipart = () => new AppError(400, 'bad_multipart', 'errors.bad_request');
const lengthRequired = () => new AppError(411, 'length_required', 'errors.length_required');

// Room for the text fields and part headers around the files.
const MULTIPART_OVERHEAD = 256 * 1024;

/** Bytes that uploads in flight hold, per app (one app per process outside the tests), in all and per borrower. */
const inFlight = new WeakMap<object, { bytes: number; byBorrower: Map<number, number> }>();

/**
 * Reserves `bytes` of the app's upload memory, or refuses with 503; answers
 * the release. One borrower holds at most `perBorrower` at once (one upload
 * of the largest size), so a few slow uploads from one account cannot take
 * the room every other borrower needs.
 */
function reserveMemory(ctx: Context, bytes: number, perBorrower: number): () => void {
  let budget = inFlight.get(ctx.app);
  if (!budget) inFlight.set(ctx.app, (budget = { bytes: 0, byBorrower: new Map() }));
  const borrowerId = ctx.state.borrower?.id;
  const held = borrowerId === undefined ? 0 : (budget.byBorrower.get(borrowerId) ?? 0);
  if (budget.bytes + bytes > ctx.deps.config.uploads.memoryBytes || held + bytes > perBorrower) throw queueBusy();
  budget.bytes += bytes;
  if (borrowerId !== undefined) budget.byBorrower.set(borrowerId, held + bytes);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    budget.bytes -= bytes;
    if (borrowerId === undefined) return;
    const left = (budget.byBorrower.get(borrowerId) ?? 0) - bytes;
    if (left > 0) budget.byBorrower.set(borrowerId, left);
    else budget.byBorrower.delete(borrowerId);
  };
}

/**
 * Everything that can refuse an upload without its body, checked before a
 * byte of it is read: multipart at all, the CSRF origin and session
 * (assertCsrfBeforeBody), a declared length within the limits, the route's
 * rate limit, and room in the process's upload memory. A refusal here closes
 * the connection, so the rest of the body is never read.
 */
async function beforeBody(ctx: Context, options: MultipartOptions): Promise<() => void> {
  ctx.set('Connection', 'close');
  if (!ctx.is('multipart/form-data')) throw unsupportedMediaType();
  assertCsrfBeforeBody(ctx);
  const declared = ctx.get('Content-Length');
  if (!/^\d+$/.test(declared)) throw lengthRequired();
  const length = Number(declared);
  // A visitor's form may carry fields but no files (only borrowers upload), so a
  // visitor's body can never be larger than its fields: refused from the header.
  const files = ctx.state.borrower ? options.maxFiles : 0;
  const largest = files * options.maxBytes + MULTIPART_OVERHEAD;
  if (length > largest) throw payloadTooLarge();
  await options.limit?.(ctx);
  const release = reserveMemory(ctx, length, options.maxFiles * options.maxBytes + MULTIPART_OVERHEAD);
  ctx.remove('Connection');
  return release;
}

export interface MultipartOptions {
  maxBytes: number;
  maxFiles: number;
  /** The route's rate limit, checked before the body is read (throws 429). */
  limit?: (ctx: Context) => Promise<void>;
}

/**
 * Parses multipart/form-data on upload routes only, with busboy. Any part
 * with a filename is a file, whatever its headers (the spec's own request
 * sends one without a Content-Type). Files are kept in memory, bounded by
 * explicit limits on count, size and fields (3 x 10 MB at most), and by the
 * process's upload memory (UPLOAD_MEMORY_MB) across requests, so nothing is
 * ever left on disk and a slow server does no extra file round trips.
 */
export function parseMultipart(options: MultipartOptions) {
  return async function multipart(ctx: Context, next: Next): Promise<void> {
    const release = await beforeBody(ctx, options);
    try {
      const files: UploadedFile[] = [];
      ctx.state.multipart = { fields: await read(ctx, options, files), files };
      assertCsrf(ctx);
      await next();
    } finally {
      // The files are let go with the request; so is their share of the budget.
      release();
    }
  };
}

function read(ctx: Context, options: MultipartOptions, files: UploadedFile[]) {
  return new Promise<Record<string, string>>((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: ctx.req.headers,
        limits: { files: options.maxFiles, fileSize: options.maxBytes, fields: 20, fieldSize: 4096, parts: 40 },
      });
    } catch {
      return reject(unsupportedMediaType());
    }
    const fields: Record<string, string> = {};
    let open = 0;
    let parsed = false;
    let failure: Error | undefined;
    const finish = () => {
      if (!failure && parsed && open === 0) resolve(fields);
    };
    const fail = (err: Error) => {
      if (failure) return;
      failure = err;
      ctx.req.unpipe(parser);
      ctx.req.resume(); // drain the rest quickly without keeping it
      files.length = 0; // let go of what was received
      reject(failure);
    };
    // A client that goes away mid-upload: busboy would wait forever, holding
    // what was received.
    ctx.req.once('close', () => {
      if (!ctx.req.complete) fail(new AppError(400, 'upload_aborted', 'errors.bad_request'));
    });
    parser.on('field', (name, value) => {
      fields[name] = value;
    });
    parser.on('file', (field, stream) => {
      // The name the client gave is never used: stored files are named by their content.
      const chunks: Buffer[] = [];
      const hash = crypto.createHash('sha256');
      let bytes = 0;
      open++;
      stream.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        hash.update(chunk);
        chunks.push(chunk);
      });
      stream.on('limit', () => fail(payloadTooLarge()));
      // A truncated body ("Unexpected end of form") is the client's fault: 400, never 500.
      stream.on('error', () => fail(badMultipart()));
      stream.on('end', () => {
        open--;
        if (!failure) files.push({ field, data: Buffer.concat(chunks, bytes), bytes, sha256: hash.digest('hex') });
        finish();
      });
    });
    parser.on('filesLimit', () => fail(tooManyFiles()));
    parser.on('partsLimit', () => fail(tooManyFiles()));
    parser.on('fieldsLimit', () => fail(payloadTooLarge()));
    parser.on('error', () => fail(badMultipart()));
    parser.on('close', () => {
      parsed = true;
      finish();
    });
    ctx.req.pipe(parser);
  });
}
