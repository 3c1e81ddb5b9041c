import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, CurrentPrincipal, type Principal } from '@lib/platform';
import { assertReadable } from '../access.js';
import { AuthorizationAnswer, AuthorizationQuery } from './authorization.dto.js';
import { AuthorizationService } from './authorization.service.js';

@ApiTags('registry: licences')
@Controller('v1/enterprises')
export class AuthorizationController {
  constructor(private readonly authorization: AuthorizationService) {}

  @Get(':id/authorization')
  @Allow('admin', 'agency', 'enterprise')
  @ApiOperation({
    summary: 'May this enterprise perform the activity on the chemical at the time? If not, every reason why.',
    description:
      "Judged on the local date (Asia/Shanghai) of `at`. Considers credit status, 禁限控 status, and the enterprise's licences, permits and filings (kind, status, dates, scope; a permit's quantity left and counterparty). Each requirement names the article it applies (Decree 591 Art. 29…), including those the law waives for this enterprise.",
  })
  @ApiOkResponse({ type: AuthorizationAnswer })
  authorize(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query() q: AuthorizationQuery,
    @CurrentPrincipal() p: Principal,
  ): Promise<AuthorizationAnswer> {
    assertReadable(p, id, 'enterprise', id);
    return this.authorization.authorize({
      enterpriseId: id,
      activity: q.activity,
      chemicalId: q.chemicalId,
      at: q.at ? new Date(q.at) : new Date(),
      wasteCode: q.wasteCode,
      quantityKg: q.quantityKg,
      counterpartyId: q.counterpartyId,
    });
  }
}
