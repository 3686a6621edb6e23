import crypto from 'node:crypto';
import busboy from 'busboy';
import type { Context, Next } from 'koa';
import { AppError, payloadTooLarge, unsupportedMediaType } from '../../errors.ts';
import { assertCsrf } from './csrf.ts';

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

/**
 * Parses multipart/form-data on upload routes only, with busboy. Any part
 * with a filename is a file, whatever its headers (the spec's own request
 * sends one without a Content-Type). Files are kept in memory, bounded by
 * explicit limits on count, size and fields (3 x 10 MB at most), so nothing
 * is ever left on disk and a slow server does no extra file round trips.
 */
export function parseMultipart(options: { maxBytes: number; maxFiles: number }) {
  return async function multipart(ctx: Context, next: Next): Promise<void> {
    if (!ctx.is('multipart/form-data')) throw unsupportedMediaType();
    const files: UploadedFile[] = [];
    ctx.state.multipart = { fields: await read(ctx, options, files), files };
    assertCsrf(ctx);
    await next();
  };
}

function read(ctx: Context, options: { maxBytes: number; maxFiles: number }, files: UploadedFile[]) {
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
      stream.on('error', (err: Error) => fail(err));
      stream.on('end', () => {
        open--;
        if (!failure) files.push({ field, data: Buffer.concat(chunks, bytes), bytes, sha256: hash.digest('hex') });
        finish();
      });
    });
    parser.on('filesLimit', () => fail(tooManyFiles()));
    parser.on('partsLimit', () => fail(tooManyFiles()));
    parser.on('fieldsLimit', () => fail(payloadTooLarge()));
    parser.on('error', () => fail(new AppError(400, 'bad_multipart', 'errors.bad_request')));
    parser.on('close', () => {
      parsed = true;
      finish();
    });
    ctx.req.pipe(parser);
  });
}
