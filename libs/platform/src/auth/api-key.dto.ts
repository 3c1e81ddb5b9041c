import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsString, IsUUID, MaxLength, ValidateIf } from 'class-validator';
import { AGENCIES, type Agency, PRINCIPAL_KINDS, type PrincipalKind } from './principal.js';

export class MintApiKeyDto {
  @ApiProperty({ enum: PRINCIPAL_KINDS, example: 'agency' })
  @IsIn(PRINCIPAL_KINDS)
  principal: PrincipalKind;

  @ApiPropertyOptional({
    description: 'Required when principal is enterprise.',
    example: '0190a1b2-0000-7000-8000-000000000001',
  })
  @ValidateIf((o: MintApiKeyDto) => o.principal === 'enterprise' || o.enterpriseId !== undefined)
  @IsUUID('all', { message: 'enterpriseId must be a UUID (required for an enterprise key)' })
  enterpriseId?: string;

  @ApiPropertyOptional({ enum: AGENCIES, description: 'Required when principal is agency.', example: 'police' })
  @ValidateIf((o: MintApiKeyDto) => o.principal === 'agency' || o.agency !== undefined)
  @IsIn(AGENCIES, { message: `agency must be one of ${AGENCIES.join(', ')} (required for an agency key)` })
  agency?: Agency;

  @ApiProperty({ example: 'Wuxi traffic police duty desk' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;
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
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) lastUsedAt: string | null;
}

export class MintedApiKeyDto extends ApiKeyDto {
  @ApiProperty({ description: 'The key. Shown only in this response; store it now.', example: 'hc_3f9c0a1b2c3d_…' })
  key: string;
}

export class ApiKeyPageDto {
  @ApiProperty({ type: [ApiKeyDto] }) items: ApiKeyDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
