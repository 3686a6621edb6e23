import type { Context, Next } from 'koa';
import { HttpMethodEnum, koaBody } from 'koa-body';
import getRawBody from 'raw-body';
import { payloadTooLarge } from '../../errors.ts';
import { MAX_CONTACTS } from '../../services/contacts.ts';
import { SIGNATURE_HEADER } from '../../services/payments/sandbox.ts';

/**
 * Form and JSON bodies with explicit small limits; multipart is refused here
 * (upload routes parse it themselves). Nested `a[0][b]` keys become objects.
 */
const parse = koaBody({
  multipart: false,
  urlencoded: true,
  json: true,
  text: false,
  jsonLimit: '64kb',
  formLimit: '64kb',
  jsonStrict: true,
  parsedMethods: [HttpMethodEnum.POST, HttpMethodEnum.PUT, HttpMethodEnum.PATCH, HttpMethodEnum.DELETE],
  queryString: { depth: 3, parameterLimit: 1000 },
});

// Provider notifications are verified over their exact bytes (read raw by their handler);
// a phone book upload has its own, larger limits (parseContactsBody).
const OWN_PARSER = /^\/(pay\/notify|payout\/notify|contact\/ajaxpush)$/i;
// Upload routes parse multipart themselves (parseMultipart); nowhere else is multipart read.
const UPLOAD_ROUTES = /^\/(info\/ajaxupload|repay\/repayproof|feedback\/ajaxcreate|identity\/documents)$/i;

/**
 * Whether this request's body is read by its route rather than here, so the
 * route checks the CSRF token after parsing (the global check cannot see it).
 * Only these named routes: a multipart body anywhere else is never read, and
 * so never skips the check. (Payment URLs and notifications need no session token.)
 */
export function routeReadsBodyAndCsrf(ctx: Context): boolean {
  return /^\/contact\/ajaxpush$/i.test(ctx.path) || (UPLOAD_ROUTES.test(ctx.path) && Boolean(ctx.is('multipart/form-data')));
}

export async function parseBody(ctx: Context, next: Next): Promise<void> {
  if (OWN_PARSER.test(ctx.path)) return next();
  return parse(ctx, next);
}

/**
 * Contact/ajaxPush: up to MAX_CONTACTS rows as `contacts[i][name]` fields or
 * JSON. The limits fit 5000 rows; anything beyond them is refused (413).
 */
export const parseContactsBody = koaBody({
  multipart: false,
  urlencoded: true,
  json: true,
  text: false,
  jsonLimit: '2mb',
  formLimit: '2mb',
  jsonStrict: true,
  parsedMethods: [HttpMethodEnum.POST],
  queryString: { depth: 3, parameterLimit: 4 * (MAX_CONTACTS + 1), arrayLimit: MAX_CONTACTS + 1 },
});

/**
 * A provider's callback body, read raw (its signature covers the exact bytes),
 * at most 16 KB: a larger one is a 413 like any other body.
 */
export async function providerBody(ctx: Context): Promise<string> {
  try {
    return await getRawBody(ctx.req, { limit: '16kb', encoding: 'utf8' });
  } catch (err) {
    throw (err as { status?: number }).status === 413 ? payloadTooLarge() : err;
  }
}

/** What a provider callback's handler answers: the HTTP status the provider sees, and what was done. */
export interface CallbackResult {
  status: number;
  outcome: string;
}

/**
 * A provider's signed callback as an action: the raw body and the signature
 * header go to `handle`; the answer keeps its real HTTP status (a provider
 * retries on a non-2xx).
 */
export function providerCallback(handle: (ctx: Context, raw: string, headers: Record<string, string | undefined>) => Promise<CallbackResult>) {
  return async function callback(ctx: Context): Promise<void> {
    const raw = await providerBody(ctx);
    const result = await handle(ctx, raw, { [SIGNATURE_HEADER]: ctx.get(SIGNATURE_HEADER) || undefined });
    ctx.status = result.status;
    ctx.body = { status: result.status, outcome: result.outcome };
  };
}
