import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, CurrentPrincipal, type Principal } from '@lib/platform';
import { PolicyChangeDto } from '../exchange.dto.js';
import type { PolicyVersion } from './policy.repository.js';
import { PolicyService } from './policy.service.js';

@ApiTags('exchange')
@Controller('v1/exchange/policy')
export class PolicyController {
  constructor(private readonly policies: PolicyService) {}

  @Get()
  @Allow('admin', 'agency')
  @ApiOperation({
    summary:
      'The sharing policy in force: per agency, event types, fields, personal fields in clear, alerts, reads (positions, tracks); escalation. REST reads follow it as the feed does.',
  })
  current(): Promise<PolicyVersion> {
    return this.policies.current();
  }

  @Get('versions')
  @Allow('admin')
  @ApiOperation({ summary: 'Every version of the policy, newest first, with who changed it and why.' })
  history(): Promise<PolicyVersion[]> {
    return this.policies.history();
  }

  @Put()
  @Allow('admin')
  @ApiOperation({ summary: 'Replace the policy with a new version (validated; give basedOn to refuse a lost update).' })
  change(@Body() body: PolicyChangeDto, @CurrentPrincipal() p: Principal): Promise<PolicyVersion> {
    return this.policies.change(body.document, body.reason, body.basedOn, p);
  }
}
