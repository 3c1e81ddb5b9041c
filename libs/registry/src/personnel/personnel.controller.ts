import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, ApiPurposeHeader, CurrentPrincipal, type Page, type Principal, Purpose } from '@lib/platform';
import { CreatePersonDto, PersonPage, PersonQuery, PersonView, UpdatePersonDto } from './person.dto.js';
import { PersonService } from './person.service.js';

@ApiTags('registry: personnel')
@Controller('v1/personnel')
export class PersonnelController {
  constructor(private readonly people: PersonService) {}

  @Post()
  @Allow('admin', 'enterprise')
  @ApiOperation({ summary: 'Register a driver or escort (押运员) of a carrier.' })
  @ApiCreatedResponse({ type: PersonView })
  create(@Body() body: CreatePersonDto, @CurrentPrincipal() p: Principal): Promise<PersonView> {
    return this.people.create(body, p);
  }

  @Get()
  @Allow('admin', 'agency', 'enterprise')
  @ApiOperation({
    summary: 'List drivers and escorts; id numbers and phones masked except for the employer and admin.',
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
  @Allow('admin', 'enterprise')
  @ApiOkResponse({ type: PersonView })
  update(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: UpdatePersonDto,
    @CurrentPrincipal() p: Principal,
  ): Promise<PersonView> {
    return this.people.update(id, body, p);
  }
}
