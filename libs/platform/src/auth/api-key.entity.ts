import { Check, Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { Agency, PrincipalKind } from './principal.js';

/** An API key. Only a SHA-256 hash of its secret part is stored; the key is shown once, at minting. */
@Entity({ name: 'api_keys' })
@Check('api_keys_principal_check', `principal IN ('admin', 'enterprise', 'agency')`)
@Check('api_keys_agency_check', `agency IN ('police', 'transport', 'emergency', 'market', 'ecology')`)
@Check('api_keys_enterprise_scope', `(principal = 'enterprise') = (enterprise_id IS NOT NULL)`)
@Check('api_keys_agency_scope', `(principal = 'agency') = (agency IS NOT NULL)`)
export class ApiKeyEntity {
  @PrimaryColumn('uuid')
  id: string;

  /** The public, non-secret part of the key (hc_<keyId>_<secret>), used to find the row. */
  @Column({ type: 'char', length: 12, unique: true })
  keyId: string;

  @Column({ type: 'char', length: 64 })
  secretHash: string;

  @Column({ type: 'text' })
  principal: PrincipalKind;

  @Column({ type: 'uuid', nullable: true })
  enterpriseId: string | null;

  @Column({ type: 'text', nullable: true })
  agency: Agency | null;

  @Column({ type: 'text' })
  name: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'uuid', nullable: true })
  createdBy: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  /** After this instant the key authenticates nothing (null: until revoked). */
  @Column({ type: 'timestamptz', nullable: true })
  expiresAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  lastUsedAt: Date | null;
}
