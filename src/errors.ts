/**
 * Errors are values: an HTTP status, a stable code for logs and clients, and an
 * i18n key for the message. One middleware turns them into a page or JSON.
 */
export class AppError extends Error {
  readonly expose = true;

  constructor(
    readonly status: number,
    readonly code: string,
    readonly key: string,
    readonly options: {
      params?: Record<string, string | number>;
      /** Field name -> i18n key, for re-rendering a form next to its inputs. */
      fields?: Record<string, string>;
      /** Calendar days ("YYYY-MM-DD") for the message: as is in JSON, in the reader's language on a page. */
      days?: Record<string, string>;
      /** Extra response headers, such as Retry-After. */
      headers?: Record<string, string>;
    } = {},
  ) {
    super(code);
    this.name = 'AppError';
  }
}

export const badRequest = (key = 'errors.bad_request') => new AppError(400, 'bad_request', key);
export const unauthenticated = () => new AppError(401, 'unauthenticated', 'errors.unauthenticated');
export const invalidCredentials = () => new AppError(401, 'invalid_credentials', 'errors.invalid_credentials');
export const forbidden = () => new AppError(403, 'forbidden', 'errors.forbidden');
export const csrfRejected = () => new AppError(403, 'csrf', 'errors.csrf');
/** A write that came from another site (Sec-Fetch-Site / Origin): refused, and said so plainly. */
export const crossSiteRejected = () => new AppError(403, 'cross_site', 'errors.cross_site');
/** A known path asked with a method it does not answer. */
export const methodNotAllowed = () => new AppError(405, 'method_not_allowed', 'errors.method_not_allowed');
/** The database is away for a moment (restarting, overloaded): try again soon. */
export const unavailable = () => new AppError(503, 'unavailable', 'errors.unavailable', { headers: { 'Retry-After': '5' } });
export const notFound = () => new AppError(404, 'not_found', 'errors.not_found');
export const payloadTooLarge = () => new AppError(413, 'payload_too_large', 'errors.payload_too_large');
export const unsupportedMediaType = () => new AppError(415, 'unsupported_media_type', 'errors.unsupported_media_type');
export const invalidInput = (fields: Record<string, string>) =>
  new AppError(422, 'invalid_input', Object.values(fields)[0] ?? 'errors.invalid_input', { fields });
/** A rate limit other than sign-in's: `key` says what was limited; Retry-After says when to come back. */
export const rateLimited = (retryAfterSeconds: number, key: string) =>
  new AppError(429, 'rate_limited', key, {
    params: { minutes: Math.max(1, Math.ceil(retryAfterSeconds / 60)) },
    headers: { 'Retry-After': String(retryAfterSeconds) },
  });
export const tooManyAttempts = (retryAfterSeconds: number) =>
  new AppError(429, 'too_many_attempts', 'errors.too_many_attempts', {
    params: { minutes: Math.max(1, Math.ceil(retryAfterSeconds / 60)) },
    headers: { 'Retry-After': String(retryAfterSeconds) },
  });
