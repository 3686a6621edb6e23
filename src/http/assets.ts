import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Middleware } from 'koa';
import send from 'koa-send';

/** What a file under public/ is called on the wire: its name with a content hash. */
export interface Assets {
  /** `/css/app.css` -> `/css/app.3f2a9c1b0d.css` (unknown paths come back unchanged). */
  url(file: string): string;
  /** The stylesheet's text, inlined in the head of a page whose browser may not have the file yet (views.ts). */
  readonly inlineCss: string;
  /** The stylesheet file's content hash (the one in its URL): what a browser that was sent the file holds (views.ts). */
  readonly cssVersion: string;
  /** The CSP source that allows exactly that inline stylesheet. */
  readonly inlineCssHash: string;
  /** Serves public/: hashed names immutable for a year, plain names revalidated. */
  middleware: Middleware;
}

// Only these folders can be files in public/: nothing else touches the disk.
const FOLDERS = ['css', 'js', 'img'];
export const STATIC_PATHS = /^\/(css|js|img)\//;
/** How long a content-hashed file may be cached (immutable): a year. */
export const ASSET_CACHE_MS = 365 * 24 * 3_600_000;

/**
 * Reads public/ once at boot and names every file by the first 10 hex digits
 * of its SHA-256. A changed file gets a new name, so the old one may be cached
 * for ever (`immutable`); pages name files through `url()` only.
 */
export function createAssets(publicDir: string, options: { dev: boolean }): Assets {
  const byName = new Map<string, string>();
  const byHashed = new Map<string, string>();
  let cssVersion = '';
  for (const folder of FOLDERS) {
    const dir = path.join(publicDir, folder);
    if (!fs.existsSync(dir)) continue;
    for (const file of fs.readdirSync(dir)) {
      const bytes = fs.readFileSync(path.join(dir, file));
      const hash = crypto.createHash('sha256').update(bytes).digest('hex').slice(0, 10);
      const ext = path.extname(file);
      const plain = `/${folder}/${file}`;
      const hashed = `/${folder}/${path.basename(file, ext)}.${hash}${ext}`;
      if (plain === '/css/app.css') cssVersion = hash;
      byName.set(plain, hashed);
      byHashed.set(hashed, plain);
    }
  }
  const inlineCss = minifyCss(fs.readFileSync(path.join(publicDir, 'css', 'app.css'), 'utf8'));
  const inlineCssHash = `'sha256-${crypto.createHash('sha256').update(inlineCss).digest('base64')}'`;

  const middleware: Middleware = async (ctx, next) => {
    if (!STATIC_PATHS.test(ctx.path) || (ctx.method !== 'GET' && ctx.method !== 'HEAD')) return next();
    const plain = byHashed.get(ctx.path);
    const file = plain ?? (byName.has(ctx.path) ? ctx.path : undefined);
    if (!file) return next();
    await send(ctx, file, {
      root: publicDir,
      index: false,
      // A hashed name never changes content; a plain name (old pages, the JSON's
      // method logos) is checked again each time through Last-Modified.
      setHeaders: (res) =>
        res.setHeader('Cache-Control', plain && !options.dev ? `public, max-age=${ASSET_CACHE_MS / 1000}, immutable` : 'public, max-age=0, must-revalidate'),
    });
  };
  return {
    url: (file) => byName.get(file) ?? file,
    inlineCss,
    cssVersion,
    inlineCssHash,
    middleware,
  };
}

/** Drops comments and the whitespace around punctuation; the stylesheet has no strings that care. */
function minifyCss(css: string): string {
  return css
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\s+/g, ' ')
    .replace(/\s*([{};,>])\s*/g, '$1')
    .replace(/;}/g, '}')
    .trim();
}
