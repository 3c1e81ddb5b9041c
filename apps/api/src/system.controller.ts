import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthService, MetricsService, Public } from '@lib/platform';
import type { Response } from 'express';

@ApiTags('system')
@Controller()
@Public()
export class SystemController {
  constructor(
    private readonly health: HealthService,
    private readonly metrics: MetricsService,
  ) {}

  @Get('health')
  @ApiOperation({ summary: 'Database and queue state; 503 when either is down.' })
  @ApiOkResponse({
    description: 'Both up.',
    schema: {
      example: {
        status: 'ok',
        checkedAt: '2026-11-29T08:00:00.000Z',
        database: { up: true, kind: 'postgres', latencyMs: 0.8 },
        queue: { up: true, transport: 'bullmq' },
      },
    },
  })
  @ApiServiceUnavailableResponse({ description: 'The database or the queue is down; the body says which.' })
  async check(@Res() res: Response): Promise<void> {
    const report = await this.health.check();
    res.status(report.status === 'ok' ? 200 : 503).json(report);
  }

  @Get('metrics')
  @ApiOperation({ summary: 'Prometheus metrics (text exposition format).' })
  async scrape(@Res() res: Response): Promise<void> {
    res.type(this.metrics.contentType).send(await this.metrics.render());
  }
}
