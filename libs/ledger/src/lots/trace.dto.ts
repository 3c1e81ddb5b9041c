import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import * as v from 'class-validator';
import { MovementView } from '../movements/movement.dto.js';

export class TraceQuery {
  @ApiPropertyOptional({
    enum: ['forward', 'backward'],
    default: 'forward',
    description: 'forward: to every use, sale, waste and disposal; backward: back to the producer.',
  })
  @v.IsOptional()
  @v.IsIn(['forward', 'backward'])
  direction?: 'forward' | 'backward';
}

export class LotBalance {
  @ApiProperty({
    description:
      'Brought into the traced lots from outside them: production, receipts from outside the system, positive adjustments.',
  })
  inputKg: number;
  @ApiProperty({ description: 'Taken out for good: use, disposal, loss, negative adjustments.' }) consumedKg: number;
  @ApiProperty() inStockKg: number;
  @ApiProperty({ description: 'Shipped and not (yet) received.' }) inTransitKg: number;
  @ApiProperty({ description: 'input = consumed + in stock + in transit.' }) balanced: boolean;
}

export class TraceLot {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() number: string;
  @ApiProperty({ format: 'uuid' }) chemicalId: string;
  @ApiProperty() origin: string;
  @ApiProperty({ nullable: true, type: String }) wasteCode: string | null;
  @ApiProperty({ type: [String] }) parentLotIds: string[];
  @ApiProperty({ format: 'uuid' }) originEnterpriseId: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'number' },
    description: 'kg moved per movement type (absolute values).',
  })
  byType: Record<string, number>;
  @ApiProperty({ type: LotBalance }) balance: LotBalance;
}

export class TraceEdge {
  @ApiProperty({ format: 'uuid' }) from: string;
  @ApiProperty({ format: 'uuid' }) to: string;
  @ApiProperty({ enum: ['shipment', 'sale', 'transfer', 'waste', 'split', 'merge', 'manifest', 'reversal'] })
  kind: string;
  @ApiProperty() quantityKg: number;
}

/** A leg a waybill booked: how the material travelled (承运人, 车牌, 电子运单号). */
export class TraceShipment {
  @ApiProperty({ format: 'uuid' }) movementId: string;
  @ApiProperty({ example: 'ship', description: 'ship (loading), receive (receipt), loss (途耗 written off).' })
  type: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) waybillId: string | null;
  @ApiProperty({ example: 'DG20261130000123X' }) waybillNumber: string;
  @ApiProperty({ format: 'uuid' }) carrierEnterpriseId: string;
  @ApiProperty({ nullable: true, type: String, example: '无锡危运物流有限公司' }) carrierName: string | null;
  @ApiProperty({ example: '苏B12345' }) vehiclePlate: string;
}

export class TraceGraph {
  @ApiProperty({ format: 'uuid' }) lotId: string;
  @ApiProperty({ enum: ['forward', 'backward'] }) direction: string;
  @ApiProperty({ type: [TraceLot] }) lots: TraceLot[];
  @ApiProperty({ description: 'Facilities the material passed through.' }) facilities: Array<{
    id: string;
    name: string;
    enterpriseId: string;
    district: string;
    kind: string;
  }>;
  @ApiProperty() enterprises: Array<{ id: string; name: string; creditCode: string }>;
  @ApiProperty({ type: [MovementView], description: 'In occurred-at order.' }) movements: MovementView[];
  @ApiProperty({ type: [TraceEdge], description: 'How the material went from one movement to the next.' })
  edges: TraceEdge[];
  @ApiProperty({ type: LotBalance, description: 'The mass balance over all traced lots.' }) balance: LotBalance;
  @ApiProperty({
    type: [TraceShipment],
    description: 'Each visible leg a waybill booked, with its waybill number, carrier and vehicle plate.',
  })
  shipments: TraceShipment[];
}
