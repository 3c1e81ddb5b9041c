import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Put, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, type Page } from '@lib/platform';
import { ChemicalPage, ChemicalQuery, ChemicalView, CreateChemicalDto, SetControlDto } from './chemical.dto.js';
import { ChemicalService } from './chemical.service.js';

@ApiTags('registry: chemical catalogue')
@Controller('v1/chemicals')
export class ChemicalsController {
  constructor(private readonly chemicals: ChemicalService) {}

  @Get()
  @Allow('admin', 'agency', 'enterprise')
  @ApiOperation({
    summary: 'Search the catalogue by CAS, UN number, Chinese or English name or synonym (partial, case-insensitive).',
    description:
      'Seeded from GB 18218-2018 Table 1, ADR 2017 Table A and the 剧毒 entries of the 2015 catalogue. `q=液氯`, `q=7782-50-5` and `q=UN1017` all find chlorine.',
  })
  @ApiOkResponse({ type: ChemicalPage })
  search(@Query() query: ChemicalQuery): Promise<Page<ChemicalView>> {
    return this.chemicals.search(query);
  }

  @Get(':id')
  @Allow('admin', 'agency', 'enterprise')
  @ApiOkResponse({ type: ChemicalView })
  get(@Param('id', new ParseUUIDPipe()) id: string): Promise<ChemicalView> {
    return this.chemicals.get(id);
  }

  @Post()
  @Allow('admin')
  @ApiOperation({ summary: 'Add a chemical to the catalogue (admin).' })
  @ApiCreatedResponse({ type: ChemicalView })
  create(@Body() body: CreateChemicalDto): Promise<ChemicalView> {
    return this.chemicals.create(body);
  }

  @Put(':id/control')
  @Allow('admin')
  @ApiOperation({
    summary: 'Set the 禁限控 status (admin): prohibited everywhere, restricted to listed districts, or controlled.',
  })
  @ApiOkResponse({ type: ChemicalView })
  setControl(@Param('id', new ParseUUIDPipe()) id: string, @Body() body: SetControlDto): Promise<ChemicalView> {
    return this.chemicals.setControl(id, body);
  }
}
