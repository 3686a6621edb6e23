import zlib from 'node:zlib';
import sharp, { type Sharp } from 'sharp';

/** A photo-like JPEG: left half red, right half blue, so orientation can be checked by colour. */
export function twoToneJpeg(width = 1200, height = 900, extra: (s: Sharp) => Sharp = (s) => s): Promise<Buffer> {
  const svg = `<svg width="${width}" height="${height}"><rect width="${width / 2}" height="${height}" fill="#e00000"/><rect x="${width / 2}" width="${width / 2}" height="${height}" fill="#0000e0"/></svg>`;
  return extra(sharp(Buffer.from(svg)).jpeg({ quality: 85 })).toBuffer();
}

/** A screenshot-like PNG with some text on it; `seed` changes what it says. */
export function screenshotPng(seed = 'UTR 123456789012', width = 720, height = 1280): Promise<Buffer> {
  const svg = `<svg width="${width}" height="${height}"><rect width="100%" height="100%" fill="#f4f6fa"/><rect y="0" width="100%" height="160" fill="#0b6e4f"/><text x="40" y="400" font-size="56" fill="#111">${seed}</text><text x="40" y="520" font-size="40" fill="#555">SPEI · $3,216.00</text></svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(body) >>> 0);
  return Buffer.concat([len, body, crc]);
}

/** A decompression bomb: a few hundred bytes of PNG that claim width x height pixels. */
export function bombPng(width = 100_000, height = 100_000): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.writeUInt8(8, 8); // bit depth
  ihdr.writeUInt8(0, 9); // greyscale
  const idat = zlib.deflateSync(Buffer.alloc(1024));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', idat),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A multipart/form-data body exactly as given: parts are [headers, body]. */
export function multipart(boundary: string, parts: Array<[string, Buffer | string]>): Buffer {
  const pieces: Buffer[] = [];
  for (const [headers, body] of parts) {
    pieces.push(Buffer.from(`--${boundary}\r\n${headers}\r\n\r\n`), Buffer.isBuffer(body) ? body : Buffer.from(body), Buffer.from('\r\n'));
  }
  pieces.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(pieces);
}
