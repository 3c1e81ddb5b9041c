import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import * as v from 'class-validator';
import { AGENCIES, type Agency, PRINCIPAL_KINDS, type PrincipalKind } from './principal.js';

export class MintApiKeyDto {
  @ApiProperty({ enum: PRINCIPAL_KINDS, example: 'agency' })
  @v.IsIn(PRINCIPAL_KINDS)
  principal: PrincipalKind;

  @ApiPropertyOptional({
    description: 'Required when principal is enterprise.',
    example: '0190a1b2-0000-7000-8000-000000000001',
  })
  @v.ValidateIf((o: MintApiKeyDto) => o.principal === 'enterprise' || o.enterpriseId !== undefined)
  @v.IsUUID('all', { message: 'enterpriseId must be a UUID (required for an enterprise key)' })
  enterpriseId?: string;

  @ApiPropertyOptional({ enum: AGENCIES, description: 'Required when principal is agency.', example: 'police' })
  @v.ValidateIf((o: MintApiKeyDto) => o.principal === 'agency' || o.agency !== undefined)
  @v.IsIn(AGENCIES, { message: `agency must be one of ${AGENCIES.join(', ')} (required for an agency key)` })
  agency?: Agency;

  @ApiProperty({ example: 'Wuxi traffic police duty desk' })
  @v.IsString()
  @v.IsNotEmpty()
  @v.MaxLength(200)
  name: string;

  @ApiPropertyOptional({
    format: 'date-time',
    example: '2027-01-31T16:00:00Z',
    description:
      'When the key stops working (a contractor, an exercise). After it every request with the key gets 401 and its open SSE streams close. Absent: until revoked.',
  })
  @v.IsOptional()
  @v.IsISO8601({ strict: true }, { message: 'expiresAt must be an ISO 8601 date-time' })
  // Without an offset the instant would depend on the server's time zone.
  @v.Matches(/T.*(Z|[+-]\d{2}:?\d{2})$/, { message: 'expiresAt must be a date-time with its offset (Z or +08:00)' })
  expiresAt?: string;
}

export class ApiKeyDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ description: 'Public part of the key, shown in the key itself.', example: '3f9c0a1b2c3d' })
  keyId: string;
  @ApiProperty({ enum: PRINCIPAL_KINDS }) principal: PrincipalKind;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) enterpriseId: string | null;
  @ApiProperty({ enum: AGENCIES, nullable: true }) agency: Agency | null;
  @ApiProperty() name: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) revokedAt: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'null: until revoked.' })
  expiresAt: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) lastUsedAt: string | null;
}

export class MintedApiKeyDto extends ApiKeyDto {
  @ApiProperty({
    nullable: true,
    type: String,
    description:
      'The key, in the first answer only: store it now; only its hash is kept. null in an answer replayed for the same Idempotency-Key (see `withheld`).',
    example: 'hc_3f9c0a1b2c3d_…',
  })
  key: string | null;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    description:
      'Only in an answer replayed for the same Idempotency-Key (header Idempotent-Replayed: true): the key was shown once and cannot be shown again; revoke it and mint another if it was lost.',
    example: {
      key: 'shown once, in the first answer to this Idempotency-Key, and cannot be shown again: if it was lost, revoke this key (DELETE /v1/api-keys/0190a1b2-…) and mint another',
    },
  })
  withheld?: Record<string, string>;
}

export class ApiKeyPageDto {
  @ApiProperty({ type: [ApiKeyDto] }) items: ApiKeyDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
