import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import * as v from 'class-validator';
import { CHECKPOINT_KINDS, type CheckpointKind } from '@lib/platform';

const toInt = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
const HEX64 = /^[0-9a-f]{64}$/;
const CHAIN = /^(access-log|facility:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

export class CheckpointView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: CHECKPOINT_KINDS }) kind: CheckpointKind;
  @ApiProperty({ example: '2026-12-07T14' }) period: string;
  @ApiProperty({ format: 'date-time' }) takenAt: string;
  @ApiProperty({ example: 10000 }) chains: number;
  @ApiProperty({ example: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' }) root: string;
  @ApiProperty({ example: '9f2c6a0e51d4b7aa' }) keyId: string;
  @ApiProperty({ enum: ['Ed25519'] }) algorithm: 'Ed25519';
  @ApiProperty({ description: 'Ed25519 over the canonical JSON of the other fields, base64.' }) signature: string;
}

/** A checkpoint as received (the integrity.checkpoint event's data), to be checked against the database. */
export class ReceivedCheckpoint {
  @ApiProperty({ format: 'uuid' })
  @v.IsUUID('all', { message: 'checkpoint.id must be a UUID' })
  id: string;

  @ApiProperty({ enum: CHECKPOINT_KINDS })
  @v.IsIn(CHECKPOINT_KINDS, { message: `kind must be one of ${CHECKPOINT_KINDS.join(', ')}` })
  kind: CheckpointKind;

  @ApiProperty({ example: '2026-12-07T14' })
  @v.IsString()
  @v.MaxLength(40)
  period: string;

  @ApiProperty({ format: 'date-time' })
  @v.IsISO8601({ strict: true })
  takenAt: string;

  @ApiProperty({ example: 10000 })
  @v.IsInt({ message: 'chains must be an integer' })
  @v.Min(0)
  chains: number;

  @ApiProperty()
  @v.Matches(HEX64, { message: 'root must be 64 lowercase hex digits' })
  root: string;

  @ApiProperty()
  @v.Matches(/^[0-9a-f]{16}$/, { message: 'keyId must be 16 lowercase hex digits' })
  keyId: string;

  @ApiProperty({ enum: ['Ed25519'] })
  @v.IsIn(['Ed25519'], { message: 'algorithm must be Ed25519' })
  algorithm: 'Ed25519';

  @ApiProperty()
  @v.Matches(/^[A-Za-z0-9+/]{86}==$/, { message: 'signature must be a base64 Ed25519 signature (88 characters)' })
  signature: string;
}

export class ChainHeadView {
  @ApiProperty({
    example: 'facility:0190f7a2-6b1e-7c3d-9a4b-2f1e0d9c8b7a',
    description: '`facility:<id>` or `access-log`',
  })
  @v.Matches(CHAIN, { message: 'chain must be access-log or facility:<uuid>' })
  chain: string;

  @ApiProperty({ example: '17' })
  @v.Matches(/^[1-9]\d{0,17}$/, { message: 'seq must be a sequence number (digits, from 1)' })
  seq: string;

  @ApiProperty()
  @v.Matches(HEX64, { message: 'hash must be 64 lowercase hex digits' })
  hash: string;
}

export class CheckpointSubmission {
  @ApiProperty({ type: ReceivedCheckpoint, description: 'The integrity.checkpoint event data exactly as received.' })
  @v.ValidateNested()
  @Type(() => ReceivedCheckpoint)
  checkpoint: ReceivedCheckpoint;

  @ApiPropertyOptional({
    type: [ChainHeadView],
    description:
      'The head list as fetched when the checkpoint was received (GET /v1/checkpoints/{id}/heads): used instead of the stored one, which an insider could have rewritten. It must give the signed root.',
  })
  @v.IsOptional()
  @v.IsArray()
  @v.ArrayMaxSize(50_000)
  @v.ValidateNested({ each: true })
  @Type(() => ChainHeadView)
  heads?: ChainHeadView[];
}

export class CheckpointListQuery {
  @ApiPropertyOptional({ description: 'Only checkpoints older than this number (the page before).', example: '120' })
  @v.IsOptional()
  @v.Matches(/^\d{1,18}$/, { message: 'before must be a checkpoint number (digits)' })
  before?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 50 })
  @v.IsOptional()
  @Transform(toInt)
  @v.IsInt({ message: 'limit must be an integer from 1 to 500' })
  @v.Min(1, { message: 'limit must be an integer from 1 to 500' })
  @v.Max(500, { message: 'limit must be an integer from 1 to 500' })
  limit?: number;
}

export class CheckpointHeadsQuery {
  @ApiPropertyOptional({ description: 'The last chain of the previous page.', example: 'access-log' })
  @v.IsOptional()
  @v.Matches(CHAIN, { message: 'after must be a chain name from the previous page' })
  after?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 5000, default: 1000 })
  @v.IsOptional()
  @Transform(toInt)
  @v.IsInt({ message: 'limit must be an integer from 1 to 5000' })
  @v.Min(1, { message: 'limit must be an integer from 1 to 5000' })
  @v.Max(5000, { message: 'limit must be an integer from 1 to 5000' })
  limit?: number;
}

export class CheckpointHeadsPage {
  @ApiProperty({ format: 'uuid' }) checkpointId: string;
  @ApiProperty() root: string;
  @ApiProperty() chains: number;
  @ApiProperty({ type: [ChainHeadView] }) heads: ChainHeadView[];
  @ApiProperty({ nullable: true, type: String, description: 'Pass as `after` for the next page; null on the last.' })
  next: string | null;
}

export class PublicKeyView {
  @ApiProperty() keyId: string;
  @ApiProperty({ enum: ['Ed25519'] }) algorithm: 'Ed25519';
  @ApiProperty({ description: 'SubjectPublicKeyInfo, PEM.' }) pem: string;
  @ApiProperty({ description: 'The same key as a JWK (RFC 8037).' })
  jwk: { kty: 'OKP'; crv: 'Ed25519'; x: string; kid: string };
}

export class CheckpointCheckView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: CHECKPOINT_KINDS }) kind: CheckpointKind;
  @ApiProperty() period: string;
  @ApiProperty({ format: 'date-time' }) takenAt: string;
  @ApiProperty({ description: 'The stored copy is what this service signed (signature and head list).' })
  authentic: boolean;
  @ApiProperty({ nullable: true, enum: ['key', 'signature', 'heads'], type: String }) problem: string | null;
}

export class ChainBreakView {
  @ApiProperty({ format: 'uuid' }) movementId: string;
  @ApiProperty({ example: '17' }) facilitySeq: string;
  @ApiProperty({ enum: ['sequence', 'prev_hash', 'hash'] }) problem: string;
}

export class LedgerDepartureView {
  @ApiProperty({ format: 'uuid' }) checkpointId: string;
  @ApiProperty() period: string;
  @ApiProperty({ description: 'The sequence number whose head the checkpoint recorded.' }) facilitySeq: string;
  @ApiProperty({ nullable: true, type: String, description: 'The movement stored there now (null: removed).' })
  movementId: string | null;
  @ApiProperty({ enum: ['changed', 'removed'] }) problem: 'changed' | 'removed';
  @ApiProperty() expectedHash: string;
  @ApiProperty({ nullable: true, type: String }) foundHash: string | null;
  @ApiProperty({
    description: 'An earlier checkpoint still agrees up to this sequence number: the change lies after it.',
  })
  agreesUpToSeq: string;
}

export class ChainVerification {
  @ApiProperty({ format: 'uuid' }) facilityId: string;
  @ApiProperty({
    description: 'No broken link, the stored head matches, no departure, and the checkpoint is authentic.',
  })
  valid: boolean;
  @ApiProperty({ description: 'Movements checked before the first break (all of them when valid).' }) checked: number;
  @ApiProperty({
    nullable: true,
    type: ChainBreakView,
    description:
      'The first broken link: the movement whose keyed hash, previous hash or sequence does not match (hash: the row was changed, or the chain recomputed without the key).',
  })
  firstBreak: ChainBreakView | null;
  @ApiProperty({ description: 'Whether the stored chain head matches the last link.' }) headMatches: boolean;
  @ApiProperty({ nullable: true, type: CheckpointCheckView, description: 'The newest published checkpoint.' })
  checkpoint: CheckpointCheckView | null;
  @ApiProperty({
    nullable: true,
    type: LedgerDepartureView,
    description: 'The first head a published checkpoint recorded for this chain that the chain no longer reaches.',
  })
  departure: LedgerDepartureView | null;
}

export class FacilityChainFinding {
  @ApiProperty({ format: 'uuid' }) facilityId: string;
  @ApiProperty() checked: number;
  @ApiProperty({ nullable: true, type: ChainBreakView }) firstBreak: ChainBreakView | null;
  @ApiProperty() headMatches: boolean;
  @ApiProperty({ nullable: true, type: LedgerDepartureView }) departure: LedgerDepartureView | null;
}

export class CityChainVerification {
  @ApiProperty() valid: boolean;
  @ApiProperty({ description: 'Facility chains walked.' }) chains: number;
  @ApiProperty({ description: 'Movements whose link was recomputed and matched.' }) checked: number;
  @ApiProperty({ nullable: true, type: CheckpointCheckView }) checkpoint: CheckpointCheckView | null;
  @ApiProperty({ type: [FacilityChainFinding], description: 'Only the chains that are not intact.' })
  broken: FacilityChainFinding[];
}

export class ReceivedDeparture {
  @ApiProperty({ example: 'facility:0190f7a2-6b1e-7c3d-9a4b-2f1e0d9c8b7a' }) chain: string;
  @ApiProperty() seq: string;
  @ApiProperty({ enum: ['changed', 'removed'] }) problem: 'changed' | 'removed';
  @ApiProperty() expectedHash: string;
  @ApiProperty({ nullable: true, type: String }) foundHash: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'The movement (or access record) stored there now.' })
  ref: string | null;
  @ApiProperty({
    nullable: true,
    description: 'The chain’s first broken link (null: every link verifies, so the chain was recomputed with the key).',
  })
  firstBreak: { ref: string; seq: string; problem: string } | null;
}

export class ReceivedCheckpointCheck {
  @ApiProperty({ type: CheckpointView }) checkpoint: CheckpointView;
  @ApiProperty({ description: 'Always true here: a checkpoint whose signature fails is refused with 422.' })
  signatureValid: boolean;
  @ApiProperty({
    enum: ['matches', 'missing', 'altered'],
    description: 'The stored copy of this checkpoint and its head list, compared with the one received.',
  })
  stored: 'matches' | 'missing' | 'altered';
  @ApiProperty({
    nullable: true,
    enum: ['submitted', 'stored'],
    type: String,
    description: 'Whose head list was compared (null: none could be trusted; submit the list received).',
  })
  heads: 'submitted' | 'stored' | null;
  @ApiProperty({ description: 'Chains compared.' }) compared: number;
  @ApiProperty({
    description: 'The database still holds every head the checkpoint recorded, and the stored copy matches.',
  })
  valid: boolean;
  @ApiProperty({ type: [ReceivedDeparture] }) departures: ReceivedDeparture[];
}
