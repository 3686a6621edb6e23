import type { Context, Next } from 'koa';
import compress from 'koa-compress';
import { Stream } from 'node:stream';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { STATIC_PATHS } from '../assets.ts';

/**
 * gzip and brotli for every compressible answer over 1 KiB (pages, JSON, CSS,
 * JS, SVG). Pages carry their CSRF token masked afresh each time
 * (http/tokens.ts), so compression leaks no secret (BREACH).
 *
 * What the app renders (a page, a JSON envelope) is a few kilobytes held in
 * memory: it is compressed here, at once, on the event loop. koa-compress's
 * streams cost more than the compressing itself at that size: a brotli
 * encoder allocated per response (sized for a 4 MB window), a hop to libuv's
 * thread pool and back, and a second JSON.stringify to learn the length.
 *
 * And at the lowest levels: a 15 KB loan detail page is 5.3 KB at brotli
 * quality 0 or 1 and 4.5 KB at quality 4, but quality 4 costs seven times the
 * CPU (a tenth of the page's whole cost in the profile), and quality 0 is a
 * few percent cheaper than 1 for the same size. Both fit in TCP's first
 * flight (about 14 KB), so the phone waits no longer for the larger one.
 * Larger bodies (a CSV export) are compressed on libuv's pool at brotli
 * quality 4 / gzip 6; static files, the only streams, go through koa-compress,
 * which only their paths pay for.
 */
const INLINE_BROTLI_QUALITY = 0;
const INLINE_GZIP_LEVEL = 1;
const THRESHOLD = 1024;
/** Larger bodies are compressed off the event loop. */
const INLINE_MAX = 256 * 1024;
const gzipAsync = promisify(zlib.gzip);
const brotliAsync = promisify(zlib.brotliCompress);
const COMPRESSIBLE = /^(text\/|application\/(json|javascript|xml|manifest\+json)|image\/svg\+xml)/;
const NO_TRANSFORM = /(?:^|,)\s*no-transform\s*(?:,|$)/;

const streams = compress({
  threshold: THRESHOLD,
  gzip: { level: 6 },
  br: { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } },
  deflate: false,
});

function brotli(body: Buffer): Buffer {
  const length = body.length;
  return zlib.brotliCompressSync(body, {
    params: {
      [zlib.constants.BROTLI_PARAM_QUALITY]: INLINE_BROTLI_QUALITY,
      [zlib.constants.BROTLI_PARAM_SIZE_HINT]: length,
      // The smallest window that holds the body: less to allocate, same output for a small body.
      [zlib.constants.BROTLI_PARAM_LGWIN]: Math.max(16, Math.min(22, Math.ceil(Math.log2(length + 1)))),
    },
  });
}

async function inline(ctx: Context, next: Next): Promise<void> {
  ctx.vary('Accept-Encoding');
  await next();
  const body: unknown = ctx.body;
  if (body === null || body === undefined || body instanceof Stream || ctx.method === 'HEAD' || ctx.status === 204 || ctx.status === 304) return;
  // Bytes, made once here: a JSON answer serialised once (not once to measure it and again to
  // send it), and a string encoded once (pages already come as bytes, respond.ts). A page with one
  // character past Latin-1 (a minus sign) is UTF-16 in V8: measuring its UTF-8 length costs half
  // of encoding it, and zlib, given the string, would encode it again.
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  ctx.body = bytes;
  if (bytes.length < THRESHOLD) return;
  if (ctx.response.get('Content-Encoding') || !COMPRESSIBLE.test(ctx.response.get('Content-Type') || '') || NO_TRANSFORM.test(ctx.response.get('Cache-Control') || '')) return;
  const encoding = ctx.acceptsEncodings('br', 'gzip', 'identity');
  if (encoding !== 'br' && encoding !== 'gzip') return;
  if (bytes.length <= INLINE_MAX) {
    ctx.body = encoding === 'br' ? brotli(bytes) : zlib.gzipSync(bytes, { level: INLINE_GZIP_LEVEL });
  } else {
    ctx.body = encoding === 'br' ? await brotliAsync(bytes, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } }) : await gzipAsync(bytes, { level: 6 });
  }
  ctx.set('Content-Encoding', encoding);
}

/** The compression middleware: in memory for what the app answers, streaming for the static files. */
export async function compression(ctx: Context, next: Next): Promise<void> {
  // koa-compress sets Vary: Accept-Encoding and streams the files under public/.
  if (STATIC_PATHS.test(ctx.path)) return streams(ctx, next);
  return inline(ctx, next);
}
