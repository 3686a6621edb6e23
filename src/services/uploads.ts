import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import sharp, { type Metadata, type OutputInfo, type Sharp } from 'sharp';
import phash from 'sharp-phash';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import { type Db, isUniqueViolation } from '../data/db.ts';
import { findOwnUpload, insertUpload, ownsUploadFile, type UploadRow } from '../data/repositories/uploads.ts';
import { localParts } from '../domain/calendar.ts';
import { AppError, payloadTooLarge, rateLimited, unsupportedMediaType } from '../errors.ts';
import { countRateEvent } from '../data/repositories/rate-events.ts';
import { lockedForSeconds } from './auth.ts';
import { createWorkQueue, type WorkQueue } from './work-queue.ts';
import { queueRefused, queueWait, watchQueue } from '../metrics.ts';
import { type StorageConfig, uploadStorage } from './upload-storage.ts';

// One image at a time per core is plenty for a cheap server and bounds memory.
sharp.concurrency(1);
sharp.cache(false);

// Wide enough to read a receipt, tall enough for a phone screenshot.
const DISPLAY_WIDTH = 1280;
const DISPLAY_HEIGHT = 2560;
// libjpeg decodes at half size (shrink-on-load) only when the image shrinks at
// least threefold. A 12 MP portrait photo is 3000 px wide: showing it 1000 px
// wide instead of 1280 halves its decoding time and still reads well.
const PHOTO_MIN_WIDTH = 1000;

/** How wide to store an image that is `width` px wide upright: never wider than it was. */
export function displayWidth(width: number): number {
  if (width <= DISPLAY_WIDTH) return width;
  return Math.max(PHOTO_MIN_WIDTH, Math.min(DISPLAY_WIDTH, Math.floor(width / 3)));
}
const THUMB_EDGE = 320;
const ACCEPTED = new Set(['jpeg', 'png', 'webp', 'heif']);

export type { UploadRow } from '../data/repositories/uploads.ts';

type UploadConfig = Pick<Config, 'uploadDir' | 'uploadStorage' | 'uploads' | 'timeZone'>;

const queues = new Map<number, WorkQueue>();
/** The process's image queue (libuv's thread pool is per process): UPLOAD_IMAGE_JOBS at once. */
export function imageQueue(config: Pick<Config, 'uploads'>): WorkQueue {
  const { imageJobs } = config.uploads;
  let queue = queues.get(imageJobs);
  if (!queue) {
    queue = createWorkQueue('images', {
      concurrency: imageJobs,
      maxWaiting: 64,
      onWait: (seconds) => queueWait.observe({ queue: 'images' }, seconds),
      onRefused: () => queueRefused.inc({ queue: 'images' }),
    });
    queues.set(imageJobs, queue);
    watchQueue(queue);
  }
  return queue;
}

// No receipt or screenshot is this long or this thin; such images only cost decoding time
// (1 x 30,000,000 px passes a pixel count yet takes seconds to resize).
export const MAX_IMAGE_EDGE = 16_384;
export const MAX_ASPECT_RATIO = 20;

const badShape = () => new AppError(422, 'image_shape', 'errors.image_shape');
const damaged = () => new AppError(422, 'image_damaged', 'errors.image_damaged');
const tooManyPixels = () => new AppError(422, 'image_too_large', 'errors.image_too_large');

/**
 * Reads only the header of what the borrower sent and decides whether it is
 * worth decoding, by content, never by name: JPEG, PNG, WebP and HEIC/HEIF
 * photos; anything else is 415, more pixels than allowed 422, and a shape no
 * receipt has (1 x 30,000,000 px) 422. Runs before the image queue, so a
 * refusal never waits behind photos or takes a decoding turn.
 */
async function probe(file: Buffer, maxPixels: number): Promise<Metadata> {
  let meta: Metadata;
  try {
    meta = await sharp(file, { limitInputPixels: false }).metadata();
  } catch {
    throw unsupportedMediaType();
  }
  if (!meta.format || !ACCEPTED.has(meta.format)) throw unsupportedMediaType();
  if (!meta.width || !meta.height) throw damaged();
  if (meta.width * meta.height > maxPixels) throw tooManyPixels();
  const long = Math.max(meta.width, meta.height);
  if (long > MAX_IMAGE_EDGE || long / Math.min(meta.width, meta.height) > MAX_ASPECT_RATIO) throw badShape();
  return meta;
}

/** Decodes a probed image into a sharp pipeline: the heavy part, on the image queue. */
async function decode(file: Buffer, meta: Metadata, maxPixels: number): Promise<{ image: Sharp; hasAlpha: boolean; uprightWidth: number }> {
  if (meta.format === 'heif' && meta.compression === 'hevc') {
    // sharp's own libvips has no HEVC decoder; libheif (wasm) decodes phone HEIC photos.
    // Loaded on first use: the decoder is a sizeable WebAssembly module most processes never need.
    const { default: heicDecode } = await import('heic-decode');
    try {
      const image = await heicDecode({ buffer: file });
      const pixels = Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength);
      return { image: sharp(pixels, { raw: { width: image.width, height: image.height, channels: 4 } }), hasAlpha: false, uprightWidth: image.width };
    } catch {
      throw damaged();
    }
  }
  // EXIF orientations 5 to 8 turn the picture a quarter: upright, its width is the stored height.
  const uprightWidth = (meta.orientation ?? 1) >= 5 ? meta.height! : meta.width!;
  return { image: sharp(file, { limitInputPixels: maxPixels, failOn: 'truncated' }), hasAlpha: Boolean(meta.hasAlpha), uprightWidth };
}

const HOUR = 3_600_000;

/**
 * Counts one upload request for a borrower, before its body is read, or
 * refuses it (429) past UPLOADS_PER_HOUR in the last hour: each image costs
 * decoding time that every other borrower would otherwise wait for.
 */
export async function countUpload(db: Db, clock: Clock, config: Pick<Config, 'uploads'>, borrowerId: number): Promise<void> {
  const now = clock.now().getTime();
  const max = config.uploads.perHour;
  const counted = await countRateEvent(db, { kind: 'upload', subject: String(borrowerId), at: now, since: now - HOUR, max });
  if (counted) throw rateLimited(lockedForSeconds(counted, max, HOUR, now), 'errors.too_many_uploads');
}

/** Decodes, turns upright, re-encodes and thumbnails one image: the heavy part, run on the image queue. */
async function convert(file: Buffer, meta: Metadata, maxPixels: number) {
  const source = await decode(file, meta, maxPixels);
  let display: { data: Buffer; info: OutputInfo };
  let thumb: Buffer;
  try {
    const upright = source.image.rotate();
    // Transparent PNG/WebP screenshots get a white page behind them; opaque photos skip the work.
    display = await (source.hasAlpha ? upright.flatten({ background: '#ffffff' }) : upright)
      .resize({ width: displayWidth(source.uprightWidth), height: DISPLAY_HEIGHT, fit: 'inside', withoutEnlargement: true })
      .jpeg({ quality: 82 })
      .toBuffer({ resolveWithObject: true });
    thumb = await sharp(display.data).resize({ width: THUMB_EDGE, height: THUMB_EDGE, fit: 'inside' }).jpeg({ quality: 70 }).toBuffer();
  } catch {
    throw damaged();
  }
  // The perceptual hash only needs 32x32 pixels: the thumbnail is plenty and cheap to decode.
  return { display, thumb, perceptual: await phash(thumb) };
}

/**
 * Stores one uploaded image for a borrower: auto-rotated upright, every piece
 * of metadata (GPS included) dropped, re-encoded as JPEG at display size,
 * thumbnailed for the staff console, and fingerprinted (sha256 of what was
 * sent, and a perceptual hash). Named `YYYYMMDD/<32 hex>.jpg` after the stored
 * content; served only to its owner and staff.
 */
export async function storeUpload(
  db: Db,
  clock: Clock,
  config: UploadConfig,
  input: { borrowerId: number; file: Buffer; sha256: string },
): Promise<UploadRow> {
  if (input.file.length > config.uploads.maxBytes) throw payloadTooLarge();
  if (input.file.length === 0) throw damaged();
  const meta = await probe(input.file, config.uploads.maxPixels);
  const { display, thumb, perceptual } = await imageQueue(config).run(() => convert(input.file, meta, config.uploads.maxPixels));
  const now = clock.now().getTime();
  const p = localParts(now, config.timeZone);
  const day = `${p.y}${String(p.m).padStart(2, '0')}${String(p.d).padStart(2, '0')}`;
  const name = crypto.createHash('sha256').update(display.data).digest('hex').slice(0, 32);
  const relative = `${day}/${name}.jpg`;
  const thumbRelative = `${day}/${name}.thumb.jpg`;
  const storage = uploadStorage(db, clock, config);
  await storage.put(relative, display.data);
  await storage.put(thumbRelative, thumb);
  const row = {
    borrower_id: input.borrowerId,
    path: relative,
    thumb_path: thumbRelative,
    sha256: input.sha256,
    phash: perceptual,
    width: display.info.width,
    height: display.info.height,
    bytes: display.data.length,
    created_at: now,
  };
  try {
    const id = await insertUpload(db, row);
    return { id, ...row };
  } catch (err) {
    // The same borrower sent the same picture again the same day: one row serves both.
    if (!isUniqueViolation(err)) throw err;
    return (await findOwnUpload(db, input.borrowerId, relative))!;
  }
}

/** An upload by its path if the borrower owns it. */
export function ownUpload(db: Db, borrowerId: number, relative: string): Promise<UploadRow | undefined> {
  return findOwnUpload(db, borrowerId, relative);
}

/** Whether the borrower owns the image (or thumbnail) at this upload path. */
export function ownsUploadPath(db: Db, borrowerId: number, relative: string): Promise<boolean> {
  return ownsUploadFile(db, borrowerId, relative);
}

/** Whether a path names an upload (or its thumbnail): nothing else is ever read. */
export function isUploadPath(relative: string): boolean {
  return /^\d{8}\/[0-9a-f]{32}(\.thumb)?\.jpg$/.test(relative);
}

/** The stored bytes of an upload path (or its thumbnail) from the configured storage, or null. */
export async function readUpload(db: Db, clock: Clock, config: StorageConfig, relative: string): Promise<Buffer | null> {
  if (!isUploadPath(relative)) return null;
  return uploadStorage(db, clock, config).get(relative);
}

/**
 * Removes `*.tmp` files under the upload directory: what writeAtomically
 * leaves when the process dies between writing and renaming. Run at start,
 * before any request can be writing one. Answers how many went.
 */
export async function removeLeftoverTempFiles(config: Pick<Config, 'uploadDir'>): Promise<number> {
  let removed = 0;
  let entries: fs.Dirent[];
  try {
    entries = await fs.promises.readdir(config.uploadDir, { withFileTypes: true, recursive: true });
  } catch {
    return 0; // no upload directory yet
  }
  for (const entry of entries) {
    if (!entry.isFile() || !entry.name.endsWith('.tmp')) continue;
    await fs.promises.rm(path.join(entry.parentPath, entry.name), { force: true });
    removed++;
  }
  return removed;
}
