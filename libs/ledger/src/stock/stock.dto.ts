import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import * as v from 'class-validator';

export class StockQuery {
  @ApiPropertyOptional({
    description: 'Stock as of this instant (by occurred-at); default now.',
    example: '2026-11-01T00:00:00Z',
  })
  @v.IsOptional()
  @v.IsISO8601({ strict: true })
  at?: string;
}

export class StockLine {
  @ApiProperty({ format: 'uuid' }) chemicalId: string;
  @ApiProperty({ example: '氯' }) chemicalName: string;
  @ApiProperty({ format: 'uuid' }) lotId: string;
  @ApiProperty({ example: 'CL-20261101' }) lotNumber: string;
  @ApiProperty({ nullable: true, type: String, example: null }) wasteCode: string | null;
  @ApiProperty({ example: 2400 }) quantityKg: number;
}

export class StockView {
  @ApiProperty({ format: 'uuid' }) facilityId: string;
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty({
    description: 'balances: the maintained table (now); ledger: summed from the movements (as of a past time).',
  })
  source: 'balances' | 'ledger';
  @ApiProperty({ type: [StockLine] }) lines: StockLine[];
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' }, description: 'Total kg per chemical id.' })
  totalsKg: Record<string, number>;
}

export class LedgerConsistency {
  @ApiProperty() consistent: boolean;
  @ApiProperty({ description: 'Keys whose maintained balance differs from the sum of their movements.' })
  mismatches: Array<{ facilityId: string; chemicalId: string; lotId: string; balanceKg: number; ledgerKg: number }>;
}
