import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Allow, CurrentPrincipal, DomainError, type Principal, RulesViolated } from '@lib/platform';
import { IngestService, type IngestReport } from './ingest.service.js';
import { PositionsService } from './positions.service.js';
import { IngestReportDto, MAX_BATCH, NearQuery, PositionsBatchDto, PositionView, TrackQuery } from './telemetry.dto.js';

@ApiTags('telematics')
@Controller('v1')
export class TelemetryController {
  constructor(
    private readonly ingest: IngestService,
    private readonly positions: PositionsService,
  ) {}

  @Post('telemetry/positions')
  @HttpCode(202)
  @Allow('admin', 'agency:transport', 'enterprise')
  @ApiOperation({
    summary: `Ingest a batch of GPS fixes (up to ${MAX_BATCH.toLocaleString('en-US')}). 202 with a report: bad points by index and reason, the good ones stored and queued for geofencing.`,
    description:
      '503 (retry) when the queue cannot take the fixes; storing them again on retry is harmless. 422 when no point is acceptable.',
  })
  @ApiAcceptedResponse({ type: IngestReportDto })
  async post(
    @Body() body: PositionsBatchDto,
    @CurrentPrincipal() p: Principal,
    @Res({ passthrough: true }) res: Response,
  ): Promise<IngestReport> {
    const report = await this.ingest.ingestRaw(body.positions, p);
    if (report.accepted === 0 && report.rejected.length > 0) {
      throw new RulesViolated(
        report.rejected.flatMap((r) =>
          r.errors.map((e) => ({ ...e, path: `positions[${r.index}]${e.path ? `.${e.path}` : ''}` })),
        ),
        `none of the ${report.received} points is acceptable`,
      );
    }
    res.setHeader('X-Accepted', String(report.accepted));
    return report;
  }

  @Get('vehicles/positions')
  @Allow('admin', 'agency', 'enterprise')
  @ApiOperation({
    summary:
      'Latest positions: every vehicle, or those within radiusM of near=lon,lat (who is near an accident), nearest first. An agency reads them when its sharing policy lists positions (403 READ_NOT_GRANTED otherwise).',
  })
  @ApiOkResponse({ type: [PositionView] })
  positionsNear(@Query() q: NearQuery, @CurrentPrincipal() p: Principal): Promise<PositionView[]> {
    if (!q.near) return this.positions.all(q.limit ?? 5000, p);
    const [lon, lat] = q.near.split(',').map(Number) as [number, number];
    if (Math.abs(lon) > 180 || Math.abs(lat) > 90)
      throw new DomainError('VALIDATION_FAILED', 400, 'near must be within WGS-84 ranges');
    return this.positions.near(lon, lat, q.radiusM ?? 2000, q.limit ?? 500, p);
  }

  @Get('vehicles/:id/track')
  @Allow('admin', 'agency', 'enterprise')
  @ApiOperation({
    summary:
      "A vehicle's track: a GeoJSON Feature whose LineString joins the usable fixes; every fix (late, jump, inaccurate marked) in properties.points. An agency reads it when its sharing policy lists tracks.",
  })
  track(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query() q: TrackQuery,
    @CurrentPrincipal() p: Principal,
  ): Promise<Record<string, unknown>> {
    return this.positions.track(id, new Date(q.from), new Date(q.to), p);
  }
}
