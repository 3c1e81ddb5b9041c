import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import * as v from 'class-validator';
import { PageQuery } from '@lib/platform';
import { COMMAND_KINDS, COMMAND_STATES, RESULT_NAMES } from './terminal-command.js';

export class TextMessageDto {
  @ApiProperty({
    description: 'The text (GBK-encodable, at most 1000 GBK bytes: about 500 Chinese characters).',
    example: '苏B12345：您已偏离核定路线，请立即返回。',
  })
  @v.IsString()
  @v.IsNotEmpty()
  @v.MaxLength(1000)
  content: string;
  @ApiPropertyOptional({ default: false, description: 'Emergency (紧急): 2013 flag bit 0; 2019 bits 0–1 = 10.' })
  @v.IsOptional()
  @v.IsBoolean()
  emergency?: boolean;
  @ApiPropertyOptional({ default: true, description: 'Shown on the terminal display (bit 2).' })
  @v.IsOptional()
  @v.IsBoolean()
  display?: boolean;
  @ApiPropertyOptional({ default: true, description: 'Read aloud (TTS 播读, bit 3).' })
  @v.IsOptional()
  @v.IsBoolean()
  tts?: boolean;
  @ApiPropertyOptional({
    default: false,
    description: 'Shown on the advertising screen (2013 bit 4; ignored by 2019 terminals).',
  })
  @v.IsOptional()
  @v.IsBoolean()
  advertising?: boolean;
  @ApiPropertyOptional({ enum: ['notice', 'service'], default: 'notice', description: '2019 text type (通知/服务).' })
  @v.IsOptional()
  @v.IsIn(['notice', 'service'])
  textType?: 'notice' | 'service';
}

export class TerminalParametersDto {
  @ApiPropertyOptional({ description: '0x0029 default report interval, seconds.', example: 10 })
  @v.IsOptional()
  @v.IsInt()
  @v.Min(1)
  @v.Max(86400)
  defaultReportIntervalS?: number;
  @ApiPropertyOptional({ description: '0x0027 report interval while sleeping, seconds.', example: 300 })
  @v.IsOptional()
  @v.IsInt()
  @v.Min(1)
  @v.Max(86400)
  sleepReportIntervalS?: number;
  @ApiPropertyOptional({ description: '0x0028 report interval during an emergency alarm, seconds.', example: 5 })
  @v.IsOptional()
  @v.IsInt()
  @v.Min(1)
  @v.Max(86400)
  emergencyReportIntervalS?: number;
  @ApiPropertyOptional({ description: '0x0055 maximum speed, km/h (the terminal alarms above it).', example: 80 })
  @v.IsOptional()
  @v.IsInt()
  @v.Min(1)
  @v.Max(250)
  maxSpeedKmh?: number;
  @ApiPropertyOptional({ description: '0x0056 overspeed duration before the alarm, seconds.', example: 10 })
  @v.IsOptional()
  @v.IsInt()
  @v.Min(1)
  @v.Max(3600)
  overspeedDurationS?: number;
  @ApiPropertyOptional({
    description:
      '0x0013 main server address (host or host:port). Admin only: it moves the terminal to another platform.',
    example: 'jt808.example.gov.cn:6808',
  })
  @v.IsOptional()
  @v.IsString()
  @v.Matches(/^[A-Za-z0-9.:;-]{1,100}$/, {
    message: 'mainServerAddress must be a host or host:port (letters, digits, . : ; -)',
  })
  mainServerAddress?: string;
}

export class SendTerminalCommandDto {
  @ApiProperty({
    enum: COMMAND_KINDS,
    description:
      'text (0x8300: police, transport, admin); position_query (0x8201: transport, admin, a carrier for its own vehicles); set_parameters (0x8103) and query_parameters (0x8104): transport, admin.',
  })
  @v.IsIn(COMMAND_KINDS)
  kind: (typeof COMMAND_KINDS)[number];

  @ApiPropertyOptional({ type: TextMessageDto, description: 'Required with kind text.' })
  @v.IsOptional()
  @v.IsObject()
  @v.ValidateNested()
  @Type(() => TextMessageDto)
  text?: TextMessageDto;

  @ApiPropertyOptional({
    type: TerminalParametersDto,
    description: 'Required with kind set_parameters (at least one).',
  })
  @v.IsOptional()
  @v.IsObject()
  @v.ValidateNested()
  @Type(() => TerminalParametersDto)
  parameters?: TerminalParametersDto;

  @ApiPropertyOptional({
    description:
      'How long the command waits for an offline terminal, seconds (default and most: JT808_COMMAND_EXPIRY_S).',
    example: 3600,
  })
  @v.IsOptional()
  @v.IsInt()
  @v.Min(10)
  @v.Max(604800)
  expiresInS?: number;
}

export class TerminalCommandQuery extends PageQuery {}

export class CommandAnswerView {
  @ApiProperty({ example: '0x0001', description: 'The message the terminal answered with: 0x0001, 0x0201 or 0x0104.' })
  messageId: string;
  @ApiProperty({ enum: RESULT_NAMES }) result: string;
  @ApiPropertyOptional({ description: 'The position a 0x0201 carried (null when unreadable).', nullable: true })
  location?: Record<string, unknown> | null;
  @ApiPropertyOptional({
    description: 'The named parameters a 0x0104 carried.',
    example: { defaultReportIntervalS: 10 },
  })
  parameters?: Record<string, unknown>;
  @ApiPropertyOptional({
    description: 'Other parameters of a 0x0104, as hex by id.',
    example: { '0x0001': '0000003c' },
  })
  otherParameters?: Record<string, string>;
  @ApiPropertyOptional({ description: 'Why the command could not be sent.' }) error?: string;
}

export class TerminalCommandView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) vehicleId: string;
  @ApiProperty({ enum: COMMAND_KINDS }) kind: string;
  @ApiProperty({ example: { text: { content: '请减速慢行', emergency: false, display: true, tts: true } } })
  request: Record<string, unknown>;
  @ApiProperty({
    enum: ['api', 'loaded_report_interval', 'spoken_warning'],
    description:
      'api: asked through the API; loaded_report_interval: pushed after authentication to a loaded vehicle; spoken_warning: said to the driver when a violation of a rule transport lists opened.',
  })
  origin: string;
  @ApiProperty({ example: 'agency:police', description: 'admin, agency:<agency>, enterprise:<id> or platform.' })
  requestedBy: string;
  @ApiProperty({
    enum: COMMAND_STATES,
    description:
      'queued (waiting for its terminal), sent, answered (result ok), failed (another result), timed_out (no answer within JT808_COMMAND_TIMEOUT_S), expired (never sent).',
  })
  state: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) expiresAt: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) sentAt: string | null;
  @ApiProperty({ nullable: true, type: Number, description: 'The platform serial number (流水号) it went with.' })
  serial: number | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) answeredAt: string | null;
  @ApiProperty({ type: CommandAnswerView, nullable: true }) answer: CommandAnswerView | null;
}

export class TerminalCommandPage {
  @ApiProperty({ type: [TerminalCommandView] }) items: TerminalCommandView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
