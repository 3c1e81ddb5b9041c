import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import * as v from 'class-validator';

export class SetSpokenWarningDto {
  @ApiProperty({ description: 'Whether a violation of this rule is said to the driver when it opens.' })
  @v.IsBoolean()
  enabled: boolean;

  @ApiProperty({
    description: 'What the terminal says and shows; {plate} becomes the vehicle plate. GBK, one message.',
    example: '{plate}：您已偏离核定路线，请立即返回核定路线行驶。',
  })
  @v.IsString()
  @v.IsNotEmpty()
  @v.MaxLength(400)
  text: string;

  @ApiPropertyOptional({ description: 'Why the bureau changed it (kept with the rule).' })
  @v.IsOptional()
  @v.IsString()
  @v.MaxLength(500)
  reason?: string;
}

export class SpokenWarningView {
  @ApiProperty({ example: 'ROUTE_DEVIATION' })
  rule: string;
  @ApiProperty()
  enabled: boolean;
  @ApiProperty()
  text: string;
  @ApiProperty({ example: 'agency:transport' })
  updatedBy: string;
  @ApiProperty()
  updatedAt: string;
  @ApiProperty({ nullable: true, type: String })
  reason: string | null;
}
