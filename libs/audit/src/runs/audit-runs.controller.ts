import { Body, Controller, Get, Header, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Allow, CurrentPrincipal, type Principal } from '@lib/platform';
import { AuditExportQuery, StartAuditDto } from '../audit.dto.js';
import { type AuditRunView, AuditRunService } from './audit-run.service.js';

@ApiTags('audit')
@Controller('v1/audits')
export class AuditRunsController {
  constructor(private readonly runs: AuditRunService) {}

  @Post()
  @Allow('admin', 'agency')
  @ApiOperation({ summary: 'Start an audit of an enterprise, a district or the whole city (a queued job).' })
  @ApiAcceptedResponse({ description: 'The run, queued; poll GET /v1/audits/:id for progress.' })
  start(@Body() body: StartAuditDto, @CurrentPrincipal() p: Principal): Promise<AuditRunView> {
    return this.runs.start(body, p);
  }

  @Get()
  @Allow('admin', 'agency')
  list(): Promise<AuditRunView[]> {
    return this.runs.list();
  }

  @Get(':id')
  @Allow('admin', 'agency')
  @ApiOperation({ summary: 'The run with its progress (percent, facilities done, findings so far).' })
  get(@Param('id', new ParseUUIDPipe()) id: string): Promise<AuditRunView> {
    return this.runs.get(id);
  }

  @Get(':id/results')
  @Allow('admin', 'agency')
  @ApiProduces('application/json', 'text/csv')
  @ApiOperation({
    summary:
      'The stored result: JSON (every facility, inputs and terms), or CSV (format=csv; rows=findings for one row per finding).',
  })
  async results(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query() q: AuditExportQuery,
    @Res() res: Response,
  ): Promise<void> {
    if (q.format === 'csv') {
      const csv = await this.runs.csv(id, q.rows ?? 'facilities');
      res.setHeader('content-type', 'text/csv; charset=utf-8');
      res.setHeader(
        'content-disposition',
        `attachment; filename="audit-${id}${q.rows === 'findings' ? '-findings' : ''}.csv"`,
      );
      res.send(`\ufeff${csv}`);
      return;
    }
    res.json({ audit: await this.runs.get(id), results: await this.runs.results(id) });
  }

  @Get(':id/report')
  @Allow('admin', 'agency')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @ApiProduces('text/html')
  @ApiOperation({ summary: 'The printable report.' })
  report(@Param('id', new ParseUUIDPipe()) id: string): Promise<string> {
    return this.runs.report(id);
  }
}
