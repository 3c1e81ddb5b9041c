import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import * as v from 'class-validator';
import { AGENCIES, type Agency, ACCESS_CHANNELS } from '@lib/platform';

const toInt = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;

export class FeedQuery {
  @ApiPropertyOptional({
    description: 'Cursor of the last event already received (0 or absent: from the start).',
    example: '1042',
  })
  @v.IsOptional()
  @v.Matches(/^\d{1,18}$/, { message: 'after must be a cursor returned by the feed (digits)' })
  after?: string;

  @ApiPropertyOptional({
    description: 'Comma-separated event types or stream.* patterns.',
    example: 'violation.*,waybill.departed',
  })
  @v.IsOptional()
  @v.IsString()
  @v.MaxLength(500)
  types?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 100 })
  @v.IsOptional()
  @Transform(toInt)
  @v.IsInt({ message: 'limit must be an integer from 1 to 1000' })
  @v.Min(1, { message: 'limit must be an integer from 1 to 1000' })
  @v.Max(1000, { message: 'limit must be an integer from 1 to 1000' })
  limit?: number;
}

export class StreamQuery {
  @ApiPropertyOptional({ description: 'Resume after this cursor (the Last-Event-ID header wins when both are given).' })
  @v.IsOptional()
  @v.Matches(/^\d{1,18}$/, { message: 'after must be a cursor (digits)' })
  after?: string;

  @ApiPropertyOptional({ description: 'Comma-separated event types or stream.* patterns.' })
  @v.IsOptional()
  @v.IsString()
  @v.MaxLength(500)
  types?: string;
}

export class EnvelopeView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'violation.opened' }) type: string;
  @ApiProperty() version: number;
  @ApiProperty({ example: 'violation' }) stream: string;
  @ApiProperty({ description: 'per-stream sequence number' }) sequence: number;
  @ApiProperty({ description: 'global position: feed cursor and SSE id' }) cursor: string;
  @ApiProperty() occurredAt: string;
  @ApiProperty() publishedAt: string;
  @ApiProperty({ nullable: true, type: String }) subjectId: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) data: Record<string, unknown>;
}

export class FeedPage {
  @ApiProperty({ type: [EnvelopeView] }) events: EnvelopeView[];
  @ApiProperty({ description: 'Pass as ?after= to continue; unchanged when nothing new.' }) next: string;
  @ApiProperty({ description: 'A full page: call again at once for more.' }) more: boolean;
}

export class RegisterWebhookDto {
  @ApiProperty({
    example: 'https://110.example.gov.cn/hazchem/events',
    description:
      'http or https, without credentials. Public addresses only, or private ones inside WEBHOOK_ALLOW_CIDRS (agency intranets); never metadata, link-local, unspecified or (in production) loopback addresses. A host name is resolved and its addresses checked at each delivery. Redirects are not followed.',
  })
  @v.IsUrl(
    { protocols: ['http', 'https'], require_protocol: true, require_tld: false },
    { message: 'url must be an http(s) URL' },
  )
  @v.MaxLength(2000)
  url: string;

  @ApiProperty({
    example: ['violation.*'],
    description: 'Event types or stream.* patterns; delivered within the sharing policy.',
  })
  @v.IsArray()
  @v.ArrayMinSize(1)
  @v.ArrayMaxSize(50)
  @v.IsString({ each: true })
  types: string[];

  @ApiPropertyOptional({ enum: AGENCIES, description: 'Admin only: the agency the endpoint belongs to.' })
  @v.IsOptional()
  @v.IsIn(AGENCIES)
  agency?: Agency;
}

export class WebhookView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: AGENCIES }) agency: string;
  @ApiProperty() url: string;
  @ApiProperty({ type: [String] }) types: string[];
  @ApiProperty() createdAt: string;
  @ApiProperty({ description: 'deliveries waiting (including one being retried)' }) pending: number;
  @ApiProperty({ description: 'deliveries in the dead-letter list' }) dead: number;
}

export class CreatedWebhookView extends WebhookView {
  @ApiProperty({
    nullable: true,
    type: String,
    description:
      'HMAC-SHA256 signing secret; shown once, never again. null in an answer replayed for the same Idempotency-Key (see `withheld`).',
  })
  secret: string | null;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    description:
      'Only in an answer replayed for the same Idempotency-Key (header Idempotent-Replayed: true): the secret was shown once and cannot be shown again.',
  })
  withheld?: Record<string, string>;
}

export class DeadLetterView {
  @ApiProperty() cursor: string;
  @ApiProperty({ format: 'uuid' }) eventId: string;
  @ApiProperty() type: string;
  @ApiProperty() attempts: number;
  @ApiProperty({ nullable: true, type: String }) firstAttemptAt: string | null;
  @ApiProperty({ nullable: true, type: String }) lastAttemptAt: string | null;
  @ApiProperty({ nullable: true, type: Number }) lastStatus: number | null;
  @ApiProperty({ nullable: true, type: String }) lastError: string | null;
}

export class ReplayDto {
  @ApiPropertyOptional({ type: [String], description: 'Cursors of the dead letters to replay; all when absent.' })
  @v.IsOptional()
  @v.IsArray()
  @v.ArrayMaxSize(10000)
  @v.Matches(/^\d{1,18}$/, { each: true, message: 'each cursor is digits' })
  cursors?: string[];
}

export class PolicyChangeDto {
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The whole policy document (see GET).' })
  @v.IsObject()
  document: Record<string, unknown>;

  @ApiProperty({ example: '市场监管局联合执法：临时接收路线偏离告警' })
  @v.IsString()
  @v.IsNotEmpty()
  @v.MaxLength(500)
  reason: string;

  @ApiPropertyOptional({ description: 'The version this change was made from; refused (409) if the policy moved on.' })
  @v.IsOptional()
  @v.IsInt()
  @v.Min(1)
  basedOn?: number;
}

export class AccessLogQuery {
  @ApiPropertyOptional({
    example: 'person:0190b1c2-…',
    description: 'kind:id — vehicle, person, enterprise, waybill, violation.',
  })
  @v.IsOptional()
  @v.Matches(/^(vehicle|person|enterprise|waybill|violation):[0-9a-f-]{36}$/, {
    message: 'subject must be kind:uuid with kind one of vehicle, person, enterprise, waybill, violation',
  })
  subject?: string;

  @ApiPropertyOptional({ enum: AGENCIES })
  @v.IsOptional()
  @v.IsIn(AGENCIES)
  agency?: Agency;

  @ApiPropertyOptional({ enum: ACCESS_CHANNELS })
  @v.IsOptional()
  @v.IsIn(ACCESS_CHANNELS)
  channel?: string;

  @ApiPropertyOptional({ description: 'Older than this sequence number (paging backwards).' })
  @v.IsOptional()
  @v.Matches(/^\d{1,18}$/, { message: 'before must be a sequence number' })
  before?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 })
  @v.IsOptional()
  @Transform(toInt)
  @v.IsInt()
  @v.Min(1)
  @v.Max(500)
  limit?: number;
}

export const DATA_REQUEST_KINDS = ['vehicle-track', 'person'] as const;

export class DataRequestDto {
  @ApiProperty({
    enum: DATA_REQUEST_KINDS,
    description: "vehicle-track: a vehicle's full track for a period; person: a person's record in clear.",
  })
  @v.IsIn(DATA_REQUEST_KINDS)
  kind: (typeof DATA_REQUEST_KINDS)[number];

  @ApiProperty({ format: 'uuid', description: 'The vehicle or the person.' })
  @v.IsUUID()
  subjectId: string;

  @ApiPropertyOptional({ example: '2026-11-29T00:00:00Z' })
  @v.IsOptional()
  @v.IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ example: '2026-11-30T00:00:00Z' })
  @v.IsOptional()
  @v.IsISO8601({ strict: true })
  to?: string;

  @ApiProperty({ example: '锡公(刑)立字〔2026〕123号案件侦查' })
  @v.IsString()
  @v.IsNotEmpty()
  @v.MaxLength(1000)
  reason: string;
}

export class DecisionDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 720, default: 72, description: 'approve: hours the grant lasts.' })
  @v.IsOptional()
  @v.IsInt()
  @v.Min(1)
  @v.Max(720)
  validHours?: number;

  @ApiPropertyOptional({ example: '同意，限本案使用' })
  @v.IsOptional()
  @v.IsString()
  @v.MaxLength(1000)
  note?: string;
}

export class DataRequestView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: AGENCIES }) agency: string;
  @ApiProperty({ enum: DATA_REQUEST_KINDS }) kind: string;
  @ApiProperty({ format: 'uuid' }) subjectId: string;
  @ApiProperty({ nullable: true, type: String }) from: string | null;
  @ApiProperty({ nullable: true, type: String }) to: string | null;
  @ApiProperty() reason: string;
  @ApiProperty({ enum: ['pending', 'approved', 'refused'] }) status: string;
  @ApiProperty({ nullable: true, type: String }) decidedBy: string | null;
  @ApiProperty({ nullable: true, type: String }) decidedAt: string | null;
  @ApiProperty({ nullable: true, type: String }) decisionNote: string | null;
  @ApiProperty({ nullable: true, type: String }) expiresAt: string | null;
  @ApiProperty() createdAt: string;
}
