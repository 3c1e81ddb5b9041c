import { ApiProperty } from '@nestjs/swagger';
import { PageCursor, PageLimit } from '@lib/platform';

/** PageQuery with a smaller page: each report carries up to 16 KiB of content. */
export class WaybillReportQuery {
  @PageLimit(100, 20) limit?: number;
  @PageCursor() cursor?: string;
}

export class WaybillReportView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) vehicleId: string;
  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'The e-waybill that held the vehicle when the report came (its assignment), if any.',
  })
  waybillId: string | null;
  @ApiProperty({ example: '013912345678', description: 'Terminal number (终端手机号) of the reporting terminal.' })
  terminalId: string;
  @ApiProperty({ description: "The terminal's message serial number of the first receipt." }) terminalFlow: number;
  @ApiProperty({ format: 'date-time' }) receivedAt: string;
  @ApiProperty({ format: 'date-time', description: 'The last receipt of the same report (a resend).' })
  lastReceivedAt: string;
  @ApiProperty({ description: 'How many times the terminal sent it (resends counted, not stored again).' })
  receipts: number;
  @ApiProperty({ example: 35 }) sizeBytes: number;
  @ApiProperty({
    nullable: true,
    type: String,
    example: '运单号:DG2026\r\n车牌:浙B2345',
    description: 'The content decoded as GBK, or null when it is not text.',
  })
  text: string | null;
  @ApiProperty({ description: 'The content as sent, base64.', example: '1Mu1pbrFOkRHMjAyNg0Ks7XFxjrV40IyMzQ1' })
  contentBase64: string;
}

export class WaybillReportPage {
  @ApiProperty({ type: [WaybillReportView] }) items: WaybillReportView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
