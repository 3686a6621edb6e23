import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Db } from '../data/db.ts';
import { getUploadBlob, putUploadBlob } from '../data/repositories/upload-blobs.ts';

/**
 * Where stored images live, by their upload path (`YYYYMMDD/<32 hex>.jpg` and its
 * `.thumb.jpg`). `dir`: files under UPLOAD_DIR (the default on SQLite: one
 * machine). `db`: the upload_blobs table (the default on PostgreSQL), so every
 * process on every machine serves every upload and nothing but the database is
 * shared (docs/deployment.md).
 */
export interface UploadStorage {
  readonly kind: 'db' | 'dir';
  put(relative: string, bytes: Buffer): Promise<void>;
  /** The bytes, or null when nothing is stored there. */
  get(relative: string): Promise<Buffer | null>;
}

export type StorageConfig = Pick<Config, 'uploadDir' | 'uploadStorage'>;

/** Writes bytes under the upload directory atomically: a crash never leaves half a file. */
async function writeAtomically(root: string, relative: string, bytes: Buffer): Promise<void> {
  const target = path.join(root, relative);
  await fs.promises.mkdir(path.dirname(target), { recursive: true });
  const tmp = `${target}.${crypto.randomBytes(6).toString('hex')}.tmp`;
  await fs.promises.writeFile(tmp, bytes);
  await fs.promises.rename(tmp, target);
}

function directoryStorage(root: string): UploadStorage {
  return {
    kind: 'dir',
    put: (relative, bytes) => writeAtomically(root, relative, bytes),
    async get(relative) {
      try {
        return await fs.promises.readFile(path.join(root, relative));
      } catch {
        return null;
      }
    },
  };
}

function databaseStorage(db: Db, clock: Clock): UploadStorage {
  return {
    kind: 'db',
    put: (relative, bytes) => putUploadBlob(db, { path: relative, data: bytes, bytes: bytes.length, created_at: clock.now().getTime() }),
    async get(relative) {
      return (await getUploadBlob(db, relative)) ?? null;
    },
  };
}

/** The configured storage (UPLOAD_STORAGE) over this database or directory. */
export function uploadStorage(db: Db, clock: Clock, config: StorageConfig): UploadStorage {
  return config.uploadStorage === 'db' ? databaseStorage(db, clock) : directoryStorage(config.uploadDir);
}
