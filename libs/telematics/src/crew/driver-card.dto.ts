import { ApiProperty } from '@nestjs/swagger';
import { PageLimit } from '@lib/platform';

export class DriverCardQuery {
  @PageLimit(500, 20, 'Newest first; 1 gives the card in the reader now.') limit?: number;
}

export class DriverCardView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) vehicleId: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'The e-waybill the vehicle was on.' })
  waybillId: string | null;
  @ApiProperty({ enum: ['inserted', 'removed'] }) status: 'inserted' | 'removed';
  @ApiProperty({ description: 'When the card went in or out (terminal time).', example: '2026-12-07T02:00:00.000Z' })
  at: string;
  @ApiProperty() receivedAt: string;
  @ApiProperty({
    nullable: true,
    type: String,
    enum: ['ok', 'key_refused', 'locked', 'pulled_out', 'checksum', 'unknown'],
    description: 'Insertions: whether the card could be read.',
  })
  readResult: string | null;
  @ApiProperty({ enum: ['driver'], description: 'Cards are drivers’ qualification cards (shaped as crew).' })
  role: 'driver';
  @ApiProperty({ nullable: true, type: String, example: '李卫东' }) name: string | null;
  @ApiProperty({ nullable: true, type: String, description: '从业资格证号', example: '320200198503121234' })
  qualificationNumber: string | null;
  @ApiProperty({ nullable: true, type: String, description: '发证机构' }) issuer: string | null;
  @ApiProperty({ nullable: true, type: String, example: '2028-03-31' }) validUntil: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description:
      '公民身份号码 from a 2019 or 2011 card: masked (first 3 and last 4) unless the reader is the carrier, admin, or an agency whose sharing policy shows driver id numbers.',
    example: '320***********123X',
  })
  idNumber: string | null;
  @ApiProperty({ description: 'Whether idNumber is masked in this answer.' }) masked: boolean;
  @ApiProperty({
    nullable: true,
    type: Boolean,
    description: 'The card is the waybill driver’s or escort’s (null: no waybill).',
  })
  onWaybill: boolean | null;
}
