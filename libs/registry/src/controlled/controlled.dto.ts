import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import * as v from 'class-validator';
import { PageQuery } from '@lib/platform';

export class ControlledSaleQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Only sales past their 5 days with no filing recorded.', example: true })
  @v.IsOptional()
  @Transform(({ value }) => value === true || value === 'true')
  @v.IsBoolean()
  overdue?: boolean;
}

export class ControlledSaleView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid', description: 'The seller’s sale movement in the ledger.' }) movementId: string;
  @ApiProperty({ format: 'uuid' }) sellerId: string;
  @ApiProperty({ format: 'uuid' }) buyerId: string;
  @ApiProperty({ format: 'uuid' }) chemicalId: string;
  @ApiProperty() quantityKg: number;
  @ApiProperty({ format: 'date-time' }) soldAt: string;
  @ApiProperty({
    format: 'date-time',
    description: 'The end of the fifth local day after the sale (Decree 591 Art. 41: 销售后5日内).',
  })
  dueAt: string;
  @ApiProperty({ nullable: true, type: String, description: 'The sale filing (销售备案) that recorded it.' })
  filingId: string | null;
  @ApiProperty({ description: 'Past its due instant with no filing recorded.' }) overdue: boolean;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) warnedAt: string | null;
}

export class ControlledSalePage {
  @ApiProperty({ type: [ControlledSaleView] }) items: ControlledSaleView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
