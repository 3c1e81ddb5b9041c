import { createHash, createPrivateKey, createPublicKey, hkdfSync, type KeyObject } from 'node:crypto';

/**
 * Everything the chains' integrity needs, derived from one secret (LEDGER_CHAIN_KEY) with HKDF-SHA256
 * (RFC 5869), one label per purpose: knowing one derived key tells nothing of the secret or of the
 * other. Pure: secret in, keys out, no I/O.
 */
export interface ChainKeyMaterial {
  /** HMAC-SHA256 key of every chain link (the ledger's per-facility chains and the access log's). */
  linkKey: Buffer;
  /** Ed25519: signs the published checkpoints. */
  signingKey: KeyObject;
  /** Published (GET /v1/checkpoints/public-key): lets a receiver check a checkpoint, not make one. */
  publicKey: KeyObject;
  /** Names the key pair in each checkpoint: the first 16 hex digits of SHA-256 of the raw public key. */
  keyId: string;
}

/** The service's own label; changing it changes every derived key. */
const SALT = 'hazchem-tracker chain anchoring';
/** A PKCS#8 Ed25519 private key is this DER prefix followed by the 32-byte seed (RFC 8410). */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

const derive = (secret: string, info: string): Buffer => Buffer.from(hkdfSync('sha256', secret, SALT, info, 32));

/** The raw 32-byte Ed25519 public key. */
export function rawPublicKey(publicKey: KeyObject): Buffer {
  return Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
}

export function deriveChainKeys(secret: string): ChainKeyMaterial {
  const seed = derive(secret, 'checkpoint-signing-ed25519-v1');
  const signingKey = createPrivateKey({
    key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  });
  const publicKey = createPublicKey(signingKey);
  return {
    linkKey: derive(secret, 'chain-link-hmac-sha256-v1'),
    signingKey,
    publicKey,
    keyId: createHash('sha256').update(rawPublicKey(publicKey)).digest('hex').slice(0, 16),
  };
}

export interface PublicKeyDocument {
  keyId: string;
  algorithm: 'Ed25519';
  /** SubjectPublicKeyInfo, PEM: what node:crypto's createPublicKey and openssl read. */
  pem: string;
  /** The same key as a JWK (RFC 8037). */
  jwk: { kty: 'OKP'; crv: 'Ed25519'; x: string; kid: string };
}

export function publicKeyDocument(keys: Pick<ChainKeyMaterial, 'publicKey' | 'keyId'>): PublicKeyDocument {
  return {
    keyId: keys.keyId,
    algorithm: 'Ed25519',
    pem: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    jwk: { kty: 'OKP', crv: 'Ed25519', x: rawPublicKey(keys.publicKey).toString('base64url'), kid: keys.keyId },
  };
}
