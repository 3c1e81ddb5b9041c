import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiAcceptedResponse, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, ApiPurposeHeader, CurrentPrincipal, type Page, type Principal, Purpose } from '@lib/platform';
import { CreatePersonDto, PersonPage, PersonQuery, PersonView, UpdatePersonDto } from './person.dto.js';
import { PersonService } from './person.service.js';

@ApiTags('registry: personnel')
@Controller('v1/personnel')
export class PersonnelController {
  constructor(private readonly people: PersonService) {}

  @Post()
  @Allow('admin', 'enterprise')
  @ApiOperation({
    summary:
      'Register a driver or escort (押运员) employed by a carrier (an employment record). The employer’s own registration files the qualification for transport to confirm.',
  })
  @ApiCreatedResponse({ type: PersonView })
  create(@Body() body: CreatePersonDto, @CurrentPrincipal() p: Principal): Promise<PersonView> {
    return this.people.create(body, p);
  }

  @Get()
  @Allow('admin', 'agency', 'enterprise')
  @ApiOperation({
    summary:
      'List drivers and escorts; id numbers and phones in full for the employer and admin, for an agency as its sharing policy shows crew (403 when it gives none).',
  })
  @ApiOkResponse({ type: PersonPage })
  @ApiPurposeHeader()
  list(
    @Query() q: PersonQuery,
    @CurrentPrincipal() p: Principal,
    @Purpose() purpose: string | null,
  ): Promise<Page<PersonView>> {
    return this.people.list(q, p, purpose);
  }

  @Get(':id')
  @Allow('admin', 'agency', 'enterprise')
  @ApiOkResponse({ type: PersonView })
  @ApiPurposeHeader()
  get(
    @Param('id', new ParseUUIDPipe()) id: string,
    @CurrentPrincipal() p: Principal,
    @Purpose() purpose: string | null,
  ): Promise<PersonView> {
    return this.people.get(id, p, purpose);
  }

  @Patch(':id')
  @Allow('admin', 'agency:transport', 'enterprise')
  @ApiOperation({
    summary:
      'Change a person. The employer’s change of the qualification (从业资格) is filed for transport (202, pendingChanges); transport or admin write it directly.',
  })
  @ApiOkResponse({ type: PersonView, description: 'Applied.' })
  @ApiAcceptedResponse({
    type: PersonView,
    description: 'Filed for confirmation; the confirmed qualification still rules.',
  })
  async update(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: UpdatePersonDto,
    @CurrentPrincipal() p: Principal,
    @Res({ passthrough: true }) res: Response,
  ): Promise<PersonView> {
    const { view, filed } = await this.people.update(id, body, p);
    if (filed) res.status(202);
    return view;
  }
}
