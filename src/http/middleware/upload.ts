import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import type { Context, Next } from 'koa';
import { AppError, payloadTooLarge, unsupportedMediaType } from '../../errors.ts';
import { assertCsrf } from './csrf.ts';

export interface UploadedFile {
  field: string;
  /** A temporary file, deleted when the request ends whatever happens. */
  tmpPath: string;
  bytes: number;
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
 * sends one without a Content-Type). Files stream to temporary files under
 * `tmpDir`, with explicit limits on count, size and fields; every temporary
 * file is removed when the request ends, failed or not.
 */
export function parseMultipart(options: { tmpDir: string; maxBytes: number; maxFiles: number }) {
  return async function multipart(ctx: Context, next: Next): Promise<void> {
    if (!ctx.is('multipart/form-data')) throw unsupportedMediaType();
    await fs.promises.mkdir(options.tmpDir, { recursive: true });
    const files: UploadedFile[] = [];
    try {
      ctx.state.multipart = { fields: await read(ctx, options, files), files };
      assertCsrf(ctx);
      await next();
    } finally {
      await Promise.all(files.map((f) => fs.promises.rm(f.tmpPath, { force: true })));
    }
  };
}

function read(ctx: Context, options: { tmpDir: string; maxBytes: number; maxFiles: number }, files: UploadedFile[]) {
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
    const writes: Promise<void>[] = [];
    const sinks: fs.WriteStream[] = [];
    let failure: Error | undefined;
    const fail = (err: Error) => {
      if (failure) return;
      failure = err;
      ctx.req.unpipe(parser);
      ctx.req.resume(); // drain the rest quickly without keeping it
      for (const sink of sinks) sink.destroy(); // close the temporary files; the caller removes them
      reject(failure);
    };
    // A client that goes away mid-upload: busboy would wait forever, and the
    // temporary file would never be removed.
    ctx.req.once('close', () => {
      if (!ctx.req.complete) fail(new AppError(400, 'upload_aborted', 'errors.bad_request'));
    });
    parser.on('field', (name, value) => {
      fields[name] = value;
    });
    parser.on('file', (field, stream) => {
      // The name the client gave is never used on disk.
      const tmpPath = path.join(options.tmpDir, `${crypto.randomBytes(16).toString('hex')}.part`);
      const file: UploadedFile = { field, tmpPath, bytes: 0 };
      files.push(file);
      stream.on('data', (chunk: Buffer) => {
        file.bytes += chunk.length;
      });
      stream.on('limit', () => fail(payloadTooLarge()));
      const sink = fs.createWriteStream(tmpPath);
      sinks.push(sink);
      writes.push(pipeline(stream, sink).catch((err) => fail(err)));
    });
    parser.on('filesLimit', () => fail(tooManyFiles()));
    parser.on('partsLimit', () => fail(tooManyFiles()));
    parser.on('fieldsLimit', () => fail(payloadTooLarge()));
    parser.on('error', () => fail(new AppError(400, 'bad_multipart', 'errors.bad_request')));
    parser.on('close', () => {
      if (failure) return;
      Promise.all(writes).then(() => (failure ? reject(failure) : resolve(fields)), reject);
    });
    ctx.req.pipe(parser);
  });
}
