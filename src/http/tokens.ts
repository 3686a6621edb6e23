import crypto from 'node:crypto';

// Tokens are 32 bytes from the system CSPRNG, drawn from a pool filled 128 at
// a time (as Node does for randomUUID): one getrandom call instead of one per
// token. koa-session draws an id for every cookieless request it sees.
const TOKEN_BYTES = 32;
const POOL_TOKENS = 128;
const pool = Buffer.alloc(TOKEN_BYTES * POOL_TOKENS);
let next = POOL_TOKENS;

/** A fresh 256-bit random token, base64url: session ids, CSRF tokens. */
export function randomToken(): string {
  if (next === POOL_TOKENS) {
    crypto.randomFillSync(pool);
    next = 0;
  }
  const start = next++ * TOKEN_BYTES;
  const token = pool.toString('base64url', start, start + TOKEN_BYTES);
  // Never hand the same bytes out twice, even if the pool were read again.
  pool.fill(0, start, start + TOKEN_BYTES);
  return token;
}

// BREACH: a compressed page that reflects attacker-chosen text next to a
// constant secret leaks the secret byte by byte through the response length.
// So the CSRF token never appears as itself: each rendering sends
// pad || (pad XOR token) with a fresh random pad (as Rails and Django do),
// and the check undoes the XOR. The session keeps the plain token.
const MASKED_LENGTH = 2 * TOKEN_BYTES;

/** The token masked with a fresh one-time pad, base64url: different in every response, same secret. */
export function maskToken(token: string): string {
  const secret = Buffer.from(token, 'base64url');
  const pad = crypto.randomBytes(secret.length);
  const masked = Buffer.alloc(secret.length * 2);
  pad.copy(masked, 0);
  for (let i = 0; i < secret.length; i++) masked[secret.length + i] = pad[i]! ^ secret[i]!;
  return masked.toString('base64url');
}

/** The plain token a masked one carries, or undefined when `sent` is not a masked token. */
function unmaskToken(sent: string): Buffer | undefined {
  const bytes = Buffer.from(sent, 'base64url');
  if (bytes.length !== MASKED_LENGTH || bytes.toString('base64url') !== sent) return undefined;
  const half = bytes.length / 2;
  const plain = Buffer.alloc(half);
  for (let i = 0; i < half; i++) plain[i] = bytes[i]! ^ bytes[half + i]!;
  return plain;
}

/**
 * Whether `sent` carries the session's `token`: masked (what pages hand out)
 * or, for clients that kept an older page's plain token, as itself. Constant time.
 */
export function tokenMatches(sent: unknown, token: unknown): boolean {
  if (typeof sent !== 'string' || typeof token !== 'string' || !sent || !token) return false;
  const expected = Buffer.from(token, 'base64url');
  const given = unmaskToken(sent) ?? Buffer.from(sent, 'base64url');
  if (expected.length !== TOKEN_BYTES || given.length !== expected.length) return false;
  return crypto.timingSafeEqual(given, expected);
}
