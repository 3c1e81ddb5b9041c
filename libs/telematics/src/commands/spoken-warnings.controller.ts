import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, CurrentPrincipal, type Principal } from '@lib/platform';
import { SetSpokenWarningDto, SpokenWarningView } from './spoken-warnings.dto.js';
import type { SpokenWarningRule } from './spoken-warnings.repository.js';
import { SpokenWarningsService } from './spoken-warnings.service.js';

const view = (r: SpokenWarningRule): SpokenWarningView => ({ ...r, updatedAt: r.updatedAt.toISOString() });

@ApiTags('geofencing: terminal commands')
@Controller('v1/spoken-warnings')
export class SpokenWarningsController {
  constructor(private readonly warnings: SpokenWarningsService) {}

  @Get()
  @Allow('admin', 'agency:transport', 'agency:police')
  @ApiOperation({ summary: 'Which violations the terminal says aloud to the driver when they open, and what it says.' })
  @ApiOkResponse({ type: [SpokenWarningView] })
  async list(): Promise<SpokenWarningView[]> {
    return (await this.warnings.list()).map(view);
  }

  @Put(':rule')
  @Allow('admin', 'agency:transport')
  @ApiOperation({ summary: 'Turn the spoken warning of a violation rule on or off, and set its text (transport).' })
  @ApiOkResponse({ type: SpokenWarningView })
  async set(
    @Param('rule') rule: string,
    @Body() body: SetSpokenWarningDto,
    @CurrentPrincipal() p: Principal,
  ): Promise<SpokenWarningView> {
    return view(await this.warnings.set(rule, body, p));
  }
}
