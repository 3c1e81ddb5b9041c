import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, CurrentPrincipal, type Principal } from '@lib/platform';
import { TraceGraph, TraceQuery } from './trace.dto.js';
import { TraceService } from './trace.service.js';

@ApiTags('ledger: lots and traceability')
@Controller('v1/lots')
export class LotsController {
  constructor(private readonly traces: TraceService) {}

  @Get(':id/trace')
  @Allow('admin', 'agency', 'enterprise')
  @ApiOperation({
    summary:
      'Trace a lot across enterprises: forward to every use, sale, waste and disposal, or backward to its producer.',
    description:
      'Returns the lots, facilities, enterprises, movements and the edges between them, with a mass balance per lot and overall. Agencies and admin see the whole graph. An enterprise that holds or held one of the lots sees its own part: its movements, the edges from and to them, and the balance of its part (what others sent it is input, what others received from it is gone); to anyone else the lot is not found.',
  })
  @ApiOkResponse({ type: TraceGraph })
  trace(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query() q: TraceQuery,
    @CurrentPrincipal() p: Principal,
  ): Promise<TraceGraph> {
    return this.traces.trace(id, q.direction ?? 'forward', p);
  }
}
