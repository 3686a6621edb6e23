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
