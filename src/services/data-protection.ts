// Application-level encryption of ID and account numbers (AES-256-GCM) and keyed hashes for lookups.
import crypto from 'node:crypto';
import type { Config } from '../config.ts';

type ProtectionConfig = Pick<Config, 'dataProtection'>;

interface Keyring {
  currentId: string;
  keys: Map<string, Buffer>;
  hashKey: Buffer;
}

const keyrings = new WeakMap<object, Keyring>();

function keyringOf(config: ProtectionConfig): Keyring {
  let ring = keyrings.get(config.dataProtection);
  if (!ring) {
    const { keys, hashKey } = config.dataProtection;
    ring = {
      currentId: keys[0]!.id,
      keys: new Map(keys.map((k) => [k.id, Buffer.from(k.key, 'base64')])),
      hashKey: Buffer.from(hashKey, 'utf8'),
    };
    keyrings.set(config.dataProtection, ring);
  }
  return ring;
}

/**
 * Encrypts a value with the current DATA_KEY: `<key id>:<iv>.<tag>.<ciphertext>` (base64url),
 * so a value sealed with an older key still opens after rotation while that key stays listed.
 * The purpose is bound as associated data: a CURP cannot be pasted into an account column.
 */
export function seal(config: ProtectionConfig, purpose: string, plaintext: string): string {
  const ring = keyringOf(config);
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', ring.keys.get(ring.currentId)!, iv);
  cipher.setAAD(Buffer.from(purpose));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const b64 = (b: Buffer) => b.toString('base64url');
  return `${ring.currentId}:${b64(iv)}.${b64(cipher.getAuthTag())}.${b64(body)}`;
}

/** Decrypts a sealed value; throws when its key is no longer configured or it was tampered with. */
export function unseal(config: ProtectionConfig, purpose: string, sealed: string): string {
  const ring = keyringOf(config);
  const colon = sealed.indexOf(':');
  const key = ring.keys.get(sealed.slice(0, colon));
  const [iv, tag, body] = sealed.slice(colon + 1).split('.').map((p) => Buffer.from(p, 'base64url'));
  if (!key || !iv || !tag || !body) throw new Error(`sealed value with unknown key ${sealed.slice(0, colon)}`);
  const decipher = crypto.createDecipheriv('aes-256-gcm', key, iv, { authTagLength: 16 });
  decipher.setAAD(Buffer.from(purpose));
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
}

/** The id of the key a sealed value was written with (rotation finds the rows still on an old key). */
export function sealedKeyId(sealed: string): string {
  return sealed.slice(0, sealed.indexOf(':'));
}

/** True when the value was sealed with an older key than the current one. */
export function needsReseal(config: ProtectionConfig, sealed: string): boolean {
  return sealedKeyId(sealed) !== keyringOf(config).currentId;
}

/** HMAC-SHA256 (hex) of a normalised value under DATA_HASH_KEY: equal values, equal hashes, nothing to reverse. */
export function lookupHash(config: ProtectionConfig, purpose: string, value: string): string {
  return crypto.createHmac('sha256', keyringOf(config).hashKey).update(`${purpose}\0${value}`).digest('hex');
}
