import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, CurrentPrincipal, type Principal } from '@lib/platform';
import { AuditAtQuery, RiskMapQuery } from '../audit.dto.js';
import { AssessmentService } from './assessment.service.js';
import { DEFAULT_TOLERANCE, type Tolerance } from './facility-audit.js';

const tolerance = (q: AuditAtQuery): Tolerance => ({
  ratio: q.toleranceRatio ?? DEFAULT_TOLERANCE.ratio,
  kg: q.toleranceKg ?? DEFAULT_TOLERANCE.kg,
});

@ApiTags('audit')
@Controller('v1')
export class AssessmentController {
  constructor(private readonly assessments: AssessmentService) {}

  @Get('facilities/:id/audit')
  @Allow('admin', 'agency', 'enterprise')
  @ApiOperation({
    summary:
      'Reconciliation (ledger vs declared vs counted, findings beyond the tolerance) and GB 18218 identification and grading on design and on actual peak stock, every term shown.',
  })
  facility(@Param('id', new ParseUUIDPipe()) id: string, @Query() q: AuditAtQuery, @CurrentPrincipal() p: Principal) {
    return this.assessments.facility(id, q.at ? new Date(q.at) : new Date(), tolerance(q), p);
  }

  @Get('enterprises/:id/audit')
  @Allow('admin', 'agency', 'enterprise')
  @ApiOperation({ summary: "The same for each of an enterprise's active facilities." })
  enterprise(@Param('id', new ParseUUIDPipe()) id: string, @Query() q: AuditAtQuery, @CurrentPrincipal() p: Principal) {
    return this.assessments.enterprise(id, q.at ? new Date(q.at) : new Date(), tolerance(q), p);
  }

  @Get('enterprises/:id/risk-list')
  @Allow('admin', 'agency', 'enterprise')
  @ApiOperation({
    summary: '一企一清单: facilities, chemicals, grades, open findings, expiring licences, open violations and orders.',
  })
  riskList(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() p: Principal) {
    return this.assessments.riskList(id, p);
  }

  @Get('risk-map')
  @Allow('admin', 'agency')
  @ApiOperation({
    summary:
      'The four-colour risk map (四色图) as GeoJSON: each facility coloured by its GB 18218 grade (一级 red, 二级 orange, 三级 yellow, 四级 blue, none grey).',
  })
  riskMap(@Query() q: RiskMapQuery) {
    return this.assessments.riskMap(q.district);
  }
}
