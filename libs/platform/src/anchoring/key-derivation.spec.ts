import { createHmac, createPublicKey, sign, verify } from 'node:crypto';
import { deriveChainKeys, publicKeyDocument } from './key-derivation.js';

describe('chain keys derived from LEDGER_CHAIN_KEY', () => {
  const secret = 'a-real-ledger-chain-key-from-the-vault';
  const keys = deriveChainKeys(secret);

  it('derives the same keys from the same secret, and other keys from another', () => {
    const again = deriveChainKeys(secret);
    expect(again.linkKey.equals(keys.linkKey)).toBe(true);
    expect(again.keyId).toBe(keys.keyId);
    const other = deriveChainKeys(`${secret}!`);
    expect(other.linkKey.equals(keys.linkKey)).toBe(false);
    expect(other.keyId).not.toBe(keys.keyId);
  });

  it('never uses the secret itself as the link key', () => {
    expect(keys.linkKey).toHaveLength(32);
    expect(keys.linkKey.equals(Buffer.from(secret))).toBe(false);
    expect(createHmac('sha256', keys.linkKey).update('x').digest('hex')).not.toBe(
      createHmac('sha256', secret).update('x').digest('hex'),
    );
  });

  it('signs with a key pair whose published half verifies and cannot sign', () => {
    const doc = publicKeyDocument(keys);
    expect(doc.keyId).toMatch(/^[0-9a-f]{16}$/);
    expect(doc.pem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    const message = Buffer.from('checkpoint');
    const signature = sign(null, message, keys.signingKey);
    expect(verify(null, message, createPublicKey(doc.pem), signature)).toBe(true);
    expect(verify(null, message, createPublicKey({ key: doc.jwk, format: 'jwk' }), signature)).toBe(true);
    expect(verify(null, Buffer.from('checkpoinT'), createPublicKey(doc.pem), signature)).toBe(false);
    expect(() => sign(null, message, createPublicKey(doc.pem))).toThrow(/expected private/);
    expect(doc.pem).not.toContain(secret);
    expect(JSON.stringify(doc)).not.toContain(keys.linkKey.toString('hex'));
  });
});
