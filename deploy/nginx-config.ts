// Fills in deploy/nginx.conf (the template) for a set of portals: their addresses,
// where nginx listens, its run directory, the body limit from the portal's upload
// limit, and the map of fingerprinted asset names to files in public/.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config.ts';
import { createAssets } from '../src/http/assets.ts';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const TEMPLATE = path.join(ROOT, 'deploy', 'nginx.conf');
export const PUBLIC_DIR = path.join(ROOT, 'public');
// The most files one request may carry (Identity/documents, Feedback/ajaxCreate) and the
// multipart overhead the portal allows beside them (src/http/middleware/upload.ts).
const MAX_FILES = 3;
const MULTIPART_OVERHEAD_MB = 1;

export interface NginxOptions {
  /** `host:port` of each portal. */
  upstreams: string[];
  /** What nginx listens on: `127.0.0.1:8080`, `80`, ... */
  listen: string;
  /** nginx's pid, error log, temp dirs and the asset map go here. */
  runDir: string;
  /** The portals' environment (UPLOAD_MAX_MB): the body limit follows it. */
  env?: Record<string, string | undefined>;
}

/** `client_max_body_size`: what the largest upload request may be, as the portal counts it. */
export function clientMaxBodySize(env: Record<string, string | undefined> = {}): string {
  const mb = loadConfig({ ...env, NODE_ENV: 'test' }).uploads.maxBytes / (1024 * 1024);
  return `${MAX_FILES * mb + MULTIPART_OVERHEAD_MB}m`;
}

/** `map` lines: each fingerprinted URL of the current public/ to its file. */
export function assetMapLines(publicDir = PUBLIC_DIR): string {
  const assets = createAssets(publicDir, { dev: false });
  const lines: string[] = [];
  for (const folder of ['css', 'js', 'img']) {
    const dir = path.join(publicDir, folder);
    if (!fs.existsSync(dir)) continue;
    for (const file of fs.readdirSync(dir).sort()) {
      const plain = `/${folder}/${file}`;
      const hashed = assets.url(plain);
      if (hashed !== plain) lines.push(`${hashed} ${plain};`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Writes the asset map and answers the filled-in configuration. */
export function renderNginxConfig(options: NginxOptions): string {
  fs.mkdirSync(options.runDir, { recursive: true });
  const assetMap = path.join(options.runDir, 'assets.map');
  fs.writeFileSync(assetMap, assetMapLines());
  const values: Record<string, string> = {
    RUN_DIR: options.runDir,
    LISTEN: options.listen,
    PUBLIC_DIR,
    ASSET_MAP: assetMap,
    CLIENT_MAX_BODY_SIZE: clientMaxBodySize(options.env),
    UPSTREAM_SERVERS: options.upstreams.map((u) => `        server ${u} max_fails=1 fail_timeout=2s;`).join('\n'),
  };
  const text = fs.readFileSync(TEMPLATE, 'utf8').replace(/@@([A-Z_]+)@@/g, (whole, name: string) => {
    if (!(name in values)) throw new Error(`deploy/nginx.conf: unknown placeholder ${whole}`);
    return values[name]!;
  });
  for (const dir of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) fs.mkdirSync(path.join(options.runDir, dir), { recursive: true });
  return text;
}
