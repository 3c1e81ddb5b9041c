import { Controller, Get, Headers, Query, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import {
  Allow,
  ApiPurposeHeader,
  CurrentPrincipal,
  EVENTS,
  type Principal,
  Purpose,
  RulesViolated,
} from '@lib/platform';
import { FeedPage, FeedQuery, StreamQuery } from '../exchange.dto.js';
import { ENVELOPE_SCHEMA } from '../relay/exchange-event.js';
import { FeedService } from './feed.service.js';

/** The published stream, pulled (feed) or pushed (SSE), and its catalogue. */
@ApiTags('exchange')
@Controller('v1/exchange')
export class FeedController {
  constructor(private readonly feed: FeedService) {}

  @Get('schemas')
  @Allow('admin', 'agency', 'enterprise')
  @ApiOperation({ summary: 'The event catalogue: every type with its stream, version, description and JSON schema.' })
  schemas(): Record<string, unknown> {
    return {
      envelope: ENVELOPE_SCHEMA,
      events: Object.fromEntries(
        Object.entries(EVENTS).map(([type, d]) => [
          type,
          { stream: d.stream, version: d.version, description: d.description, schema: d.schema },
        ]),
      ),
    };
  }

  @Get('feed')
  @Allow('admin', 'agency')
  @ApiPurposeHeader()
  @ApiOperation({
    summary:
      'Events after a cursor, in order, as the sharing policy lets the caller see them; pass `next` back as `after` to continue (catch up after any outage).',
  })
  @ApiOkResponse({ type: FeedPage })
  page(@Query() q: FeedQuery, @CurrentPrincipal() p: Principal, @Purpose() purpose: string | null): Promise<FeedPage> {
    return this.feed.page(p, {
      after: q.after ?? '0',
      types: this.feed.parseTypes(q.types),
      limit: q.limit ?? 100,
      purpose,
    });
  }

  @Get('stream')
  @Allow('admin', 'agency')
  @ApiPurposeHeader()
  @ApiHeader({
    name: 'Last-Event-ID',
    required: false,
    description: 'Resume after this event (the SSE id is the feed cursor).',
  })
  @ApiProduces('text/event-stream')
  @ApiOperation({
    summary:
      'Server-Sent Events: the same events as the feed, live; without a cursor it starts now. Each event: id = cursor, event = type, data = envelope.',
  })
  async stream(
    @Query() q: StreamQuery,
    @Headers('last-event-id') lastEventId: string | undefined,
    @CurrentPrincipal() p: Principal,
    @Purpose() purpose: string | null,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    if (lastEventId !== undefined && !/^\d{1,18}$/.test(lastEventId.trim()))
      throw new RulesViolated([
        { path: 'Last-Event-ID', rule: 'BAD_CURSOR', message: 'Last-Event-ID must be an event id sent by this stream' },
      ]);
    const types = this.feed.parseTypes(q.types);
    const after = lastEventId?.trim() ?? q.after ?? (await this.feed.lastCursor());
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.flushHeaders();
    let closed = false;
    req.on('close', () => (closed = true));
    await this.feed.stream(
      { write: (chunk) => res.write(chunk), end: () => res.end(), closed: () => closed || res.writableEnded },
      p,
      { after, types, purpose },
    );
  }
}
