import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { type CheckpointBody, checkpointSignatureValid, signCheckpoint, type SignedCheckpoint } from './checkpoint.js';
import { type ChainKeyMaterial, deriveChainKeys, publicKeyDocument, type PublicKeyDocument } from './key-derivation.js';

/** The keys derived from LEDGER_CHAIN_KEY, once per process. Never logged, never returned. */
@Injectable()
export class ChainKeys {
  private readonly keys: ChainKeyMaterial;

  constructor(config: AppConfig) {
    this.keys = deriveChainKeys(config.ledgerChain.key);
  }

  /** HMAC key of the chain links. */
  get linkKey(): Buffer {
    return this.keys.linkKey;
  }

  get keyId(): string {
    return this.keys.keyId;
  }

  publicKey(): PublicKeyDocument {
    return publicKeyDocument(this.keys);
  }

  sign(body: Omit<CheckpointBody, 'keyId' | 'algorithm'>): SignedCheckpoint {
    return signCheckpoint({ ...body, keyId: this.keys.keyId, algorithm: 'Ed25519' }, this.keys.signingKey);
  }

  /** Whether this service's key signed it (a checkpoint naming another key id is not ours). */
  signed(c: SignedCheckpoint): boolean {
    return c.keyId === this.keys.keyId && checkpointSignatureValid(c, this.keys.publicKey);
  }
}
