import type { Context, Next } from 'koa';
import { HttpMethodEnum, koaBody } from 'koa-body';

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

// Provider notifications are verified over their exact bytes, so they are read raw by their handler.
const RAW_BODY = /^\/pay\/notify$/i;

export async function parseBody(ctx: Context, next: Next): Promise<void> {
  if (RAW_BODY.test(ctx.path)) return next();
  return parse(ctx, next);
}
