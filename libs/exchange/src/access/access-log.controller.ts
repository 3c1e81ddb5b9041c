import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AccessLog, Allow, CurrentPrincipal, type Principal } from '@lib/platform';
import { AccessLogQuery } from '../exchange.dto.js';

@ApiTags('exchange')
@Controller('v1/exchange/access-log')
export class AccessLogController {
  constructor(private readonly log: AccessLog) {}

  @Get()
  @Allow('admin', 'agency')
  @ApiOperation({
    summary:
      'Who saw what, when and why (newest first), filterable by subject (vehicle:, person:, enterprise:, waybill:, violation:), agency and channel. Admin sees all; an agency sees its own records.',
  })
  async list(@Query() q: AccessLogQuery, @CurrentPrincipal() p: Principal) {
    const agency = p.kind === 'agency' ? p.agency : null;
    const items = await this.log.list({
      subject: q.subject,
      agency: agency ?? q.agency,
      channel: q.channel,
      after: q.before ?? null,
      limit: q.limit ?? 100,
    });
    return { items, next: items.length === (q.limit ?? 100) ? items[items.length - 1]!.seq : null };
  }

  @Get('verify')
  @Allow('admin')
  @ApiOperation({
    summary:
      'Recompute the keyed hash chain from the first record and compare it with every published checkpoint; names the first broken link and where the log departs from a checkpoint.',
  })
  verify() {
    return this.log.verify();
  }
}
