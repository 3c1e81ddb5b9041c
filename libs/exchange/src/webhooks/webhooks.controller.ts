import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, CurrentPrincipal, type Principal, ShownOnce } from '@lib/platform';
import { CreatedWebhookView, DeadLetterView, RegisterWebhookDto, ReplayDto, WebhookView } from '../exchange.dto.js';
import { WebhookService } from './webhook.service.js';

@ApiTags('exchange')
@Controller('v1/exchange/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhookService) {}

  @Post()
  @Allow('admin', 'agency')
  @ShownOnce('secret', 'delete this endpoint (DELETE /v1/exchange/webhooks/{id}) and register it again')
  @ApiOperation({
    summary:
      'Register an endpoint for event types; the signing secret is in this answer only. Deliveries: POST with the envelope, Idempotency-Key = event id, X-Hazchem-Signature.',
    description:
      'A retry with the same Idempotency-Key registers nothing: it answers 201 again with the same id, `secret: null` and `withheld.secret` saying the secret was shown once.',
  })
  @ApiCreatedResponse({ type: CreatedWebhookView })
  register(@Body() body: RegisterWebhookDto, @CurrentPrincipal() p: Principal): Promise<CreatedWebhookView> {
    return this.webhooks.register(body, p);
  }

  @Get()
  @Allow('admin', 'agency')
  @ApiOkResponse({ type: [WebhookView] })
  list(@CurrentPrincipal() p: Principal): Promise<WebhookView[]> {
    return this.webhooks.list(p);
  }

  @Get(':id')
  @Allow('admin', 'agency')
  @ApiOkResponse({ type: WebhookView })
  get(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() p: Principal): Promise<WebhookView> {
    return this.webhooks.get(id, p);
  }

  @Delete(':id')
  @HttpCode(204)
  @Allow('admin', 'agency')
  @ApiOperation({ summary: 'Stop delivering to the endpoint (its history is kept).' })
  async remove(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() p: Principal): Promise<void> {
    await this.webhooks.remove(id, p);
  }

  @Get(':id/dead-letters')
  @Allow('admin', 'agency')
  @ApiOperation({ summary: 'Deliveries that ran out of retries (the events stay readable in the feed).' })
  @ApiOkResponse({ type: [DeadLetterView] })
  deadLetters(
    @Param('id', new ParseUUIDPipe()) id: string,
    @CurrentPrincipal() p: Principal,
  ): Promise<DeadLetterView[]> {
    return this.webhooks.deadLetters(id, p);
  }

  @Post(':id/adopt')
  @HttpCode(200)
  @Allow('admin', 'agency')
  @ApiOperation({
    summary:
      'Take over an endpoint with this (current) key: an endpoint whose registering key was revoked or has expired gets nothing until a key of its agency adopts it.',
  })
  @ApiOkResponse({ type: WebhookView })
  adopt(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() p: Principal): Promise<WebhookView> {
    return this.webhooks.adopt(id, p);
  }

  @Post(':id/dead-letters/replay')
  @HttpCode(200)
  @Allow('admin', 'agency')
  @ApiOperation({ summary: 'Send dead letters again (all, or the given cursors), oldest first.' })
  replay(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: ReplayDto,
    @CurrentPrincipal() p: Principal,
  ): Promise<{ replayed: number }> {
    return this.webhooks.replay(id, body.cursors, p);
  }
}
