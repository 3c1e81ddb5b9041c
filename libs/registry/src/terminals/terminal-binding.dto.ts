import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import * as v from 'class-validator';
import { PageQuery } from '@lib/platform';
import { IsTerminalId } from '../identifiers/validators.js';

/** JT/T 808 0x0100 field widths (2019: maker 11, model 30 bytes, ASCII). */
const ASCII = /^[\x20-\x7e]+$/;

export class BindTerminalDto {
  @ApiProperty({ description: 'JT/T 808 terminal phone number (header), 11 to 20 digits.', example: '013912345678' })
  @IsTerminalId()
  terminalId: string;

  @ApiProperty({ format: 'uuid' }) @v.IsUUID('all') vehicleId: string;

  @ApiProperty({ description: 'Maker id the terminal sends in 0x0100 (制造商ID).', example: 'HZCM' })
  @v.IsString()
  @v.Matches(ASCII, { message: 'makerId must be printable ASCII, as terminals send it' })
  @v.MaxLength(11)
  makerId: string;

  @ApiPropertyOptional({ description: 'Terminal model (终端型号).', example: 'T-808' })
  @v.IsOptional()
  @v.IsString()
  @v.Matches(ASCII, { message: 'model must be printable ASCII, as terminals send it' })
  @v.MaxLength(30)
  model?: string;

  @ApiPropertyOptional({ description: 'SIM card number (MSISDN or ICCID).', example: '13912345678' })
  @v.IsOptional()
  @v.Matches(/^\d{11,20}$/, { message: 'simNumber must be 11 to 20 digits' })
  simNumber?: string;

  @ApiPropertyOptional({
    description: 'Plate colour the terminal reports (JT/T 697.7: 1 blue, 2 yellow, 3 black, 4 white, 9 other).',
    default: 2,
    example: 2,
  })
  @v.IsOptional()
  @v.IsInt()
  @v.IsIn([1, 2, 3, 4, 5, 9])
  plateColour?: number;

  @ApiPropertyOptional({ format: 'date-time', description: 'When the terminal was installed (安装时间).' })
  @v.IsOptional()
  @v.IsISO8601({ strict: true })
  installedAt?: string;

  @ApiPropertyOptional({ example: '新车安装' })
  @v.IsOptional()
  @v.IsString()
  @v.IsNotEmpty()
  @v.MaxLength(1000)
  reason?: string;
}

export class BindingChangeDto {
  @ApiProperty({ description: 'Why (kept in the binding’s history).', example: '终端更换，原终端报废' })
  @v.IsString()
  @v.IsNotEmpty()
  @v.MaxLength(1000)
  reason: string;
}

export class TerminalBindingQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' }) @v.IsOptional() @v.IsUUID('all') vehicleId?: string;
  @ApiPropertyOptional({ example: '013912345678' }) @v.IsOptional() @v.Matches(/^\d{11,20}$/) terminalId?: string;
  @ApiPropertyOptional({ description: 'Also the bindings that ended (unbound or replaced).', default: false })
  @v.IsOptional()
  @Transform(({ value }) => value === 'true' || value === true)
  includeEnded?: boolean;
}

export class BindingEventView {
  @ApiProperty({ enum: ['bound', 'unbound', 'reset', 'registered'] }) kind: string;
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty({ description: 'admin, agency transport, migration, filing …, or terminal (its registration).' })
  by: string;
  @ApiProperty({ nullable: true, type: String }) reason: string | null;
  @ApiProperty({ description: 'What changed: the binding’s details, or what the terminal sent when it registered.' })
  detail: Record<string, unknown>;
}

export class TerminalBindingView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: '013912345678' }) terminalId: string;
  @ApiProperty({ format: 'uuid' }) vehicleId: string;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Null until the first registration when bound through the vehicle record.',
  })
  makerId: string | null;
  @ApiProperty({ nullable: true, type: String }) model: string | null;
  @ApiProperty({ nullable: true, type: String }) simNumber: string | null;
  @ApiProperty() plateColour: number;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) installedAt: string | null;
  @ApiProperty({ format: 'date-time' }) boundAt: string;
  @ApiProperty({
    nullable: true,
    type: String,
    format: 'date-time',
    description: 'Set while a code handed out at registration is valid.',
  })
  registeredAt: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) unboundAt: string | null;
  @ApiProperty({ type: [BindingEventView] }) history: BindingEventView[];
}

export class TerminalBindingPage {
  @ApiProperty({ type: [TerminalBindingView] }) items: TerminalBindingView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
