import type { Context, Next } from 'koa';
import { AppError, notFound } from '../../errors.ts';
import { countUpload, isUploadPath, ownsUploadPath, readUpload, storeUpload } from '../../services/uploads.ts';
import { respond } from '../respond.ts';
import { parseMultipart } from '../middleware/upload.ts';

/** A borrower's uploads per hour (UPLOADS_PER_HOUR), counted before the body is read. */
export async function borrowerUploadLimit(ctx: Context): Promise<void> {
  const { db, clock, config } = ctx.deps;
  await countUpload(db, clock, config, ctx.state.borrower!.id);
}

/**
 * Multipart on an upload route: at most `maxFiles` files, the configured size
 * each; `limit` is the route's rate limit, checked before the body is read.
 */
export function uploadParser(maxFiles: number, limit?: (ctx: Context) => Promise<void>) {
  return async function uploads(ctx: Context, next: Next): Promise<void> {
    const { uploads } = ctx.deps.config;
    return parseMultipart({ maxBytes: uploads.maxBytes, maxFiles, limit })(ctx, next);
  };
}

/**
 * POST /Info/ajaxUpload (auth, multipart): one image under the field that
 * `fileName` names (default `file`); answers its stored path in `info`.
 */
export async function ajaxUpload(ctx: Context): Promise<void> {
  const { fields, files } = ctx.state.multipart!;
  const wanted = fields.fileName?.trim() || 'file';
  const file = files.find((f) => f.field === wanted) ?? files.find((f) => f.field === 'file');
  if (!file) throw new AppError(422, 'upload_missing', 'errors.upload_missing');
  const { db, clock, config } = ctx.deps;
  const stored = await storeUpload(db, clock, config, { borrowerId: ctx.state.borrower!.id, file: file.data, sha256: file.sha256 });
  respond(ctx, { json: { info: stored.path, status: 1, url: '' }, redirect: '/Repay/index.shtml' });
}

/**
 * GET /Public/Upload/<day>/<file>: a private image, only for the borrower who
 * uploaded it and for staff; everyone else gets the same 404.
 */
export async function serveUpload(ctx: Context): Promise<void> {
  const relative = `${ctx.params.day}/${ctx.params.file}`;
  if (!isUploadPath(relative)) throw notFound();
  const { borrower, staff } = ctx.state;
  const owned = staff || (borrower && (await ownsUploadPath(ctx.deps.db, borrower.id, relative)));
  if (!owned) throw notFound();
  const bytes = await readUpload(ctx.deps.db, ctx.deps.clock, ctx.deps.config, relative);
  if (!bytes) throw notFound();
  ctx.type = 'image/jpeg';
  ctx.set('Cache-Control', 'private, no-store');
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.body = bytes;
}
