import { HttpMethodEnum, koaBody } from 'koa-body';

/**
 * Form and JSON bodies with explicit small limits; multipart is refused here
 * (upload routes parse it themselves). Nested `a[0][b]` keys become objects.
 */
export const parseBody = koaBody({
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
