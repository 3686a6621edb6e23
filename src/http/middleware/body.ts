import type { Context, Next } from 'koa';
import { HttpMethodEnum, koaBody } from 'koa-body';
import { MAX_CONTACTS } from '../../services/contacts.ts';

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
const OWN_PARSER = /^\/(pay\/notify|contact\/ajaxpush)$/i;

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
