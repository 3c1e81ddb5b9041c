import { Body, Controller, Get, Param, ParseUUIDPipe, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, CurrentPrincipal, type Principal } from '@lib/platform';
import { AssignmentView, SetAssignmentDto } from './assignment.dto.js';
import { AssignmentsService } from './assignments.service.js';

@ApiTags('geofencing: vehicle assignments')
@Controller('v1/vehicles')
export class AssignmentsController {
  constructor(private readonly assignments: AssignmentsService) {}

  @Put(':id/assignment')
  @Allow('admin', 'agency:transport', 'enterprise')
  @ApiOperation({
    summary:
      'Set what the vehicle carries and which approved route it must keep (transport or its carrier; an active e-waybill sets it too).',
  })
  @ApiOkResponse({ type: AssignmentView })
  set(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: SetAssignmentDto,
    @CurrentPrincipal() p: Principal,
  ): Promise<AssignmentView> {
    return this.assignments.setByRequest(id, body, p);
  }

  @Get(':id/assignment')
  @Allow('admin', 'agency', 'enterprise')
  @ApiOkResponse({ type: AssignmentView })
  get(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() p: Principal): Promise<AssignmentView> {
    return this.assignments.get(id, p);
  }
}
