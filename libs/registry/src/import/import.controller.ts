import { Body, Controller, HttpCode, Param, ParseEnumPipe, Post, Query } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import * as v from 'class-validator';
import { Allow, CurrentPrincipal, Forbidden, type Principal } from '@lib/platform';
import { IMPORT_KINDS, type ImportKind } from './import.spec-columns.js';
import { type ImportReport, ImportService } from './import.service.js';

class ImportQuery {
  @ApiPropertyOptional({
    enum: ['true', 'false'],
    description: 'true: import nothing if any row is bad (422 listing them). Default false: the good rows land.',
  })
  @v.IsOptional()
  @v.IsIn(['true', 'false'])
  atomic?: 'true' | 'false';
}

class ImportRowDto {
  @ApiProperty({ description: 'CSV: physical line number (header = 1). JSON: 1-based position.' }) line: number;
  @ApiProperty({
    example: [
      { path: 'creditCode', rule: 'creditCode', message: 'creditCode check character must be 3 (GB 32100-2015 §4.3)' },
    ],
  })
  errors: Array<{ path: string; rule?: string; message: string }>;
}

class ImportReportDto {
  @ApiProperty({ enum: IMPORT_KINDS }) kind: ImportKind;
  @ApiProperty() atomic: boolean;
  @ApiProperty() total: number;
  @ApiProperty() imported: number;
  @ApiProperty() failed: number;
  @ApiProperty({ type: [ImportRowDto] }) rows: ImportRowDto[];
}

@ApiTags('registry: bulk import')
@Controller('v1/import')
export class ImportController {
  constructor(private readonly imports: ImportService) {}

  @Post(':kind')
  @HttpCode(200)
  @Allow('admin', 'agency', 'enterprise')
  @ApiOperation({
    summary:
      'Bulk import chemicals, enterprises (admin), vehicles and personnel (admin, or a carrier for its own: gating facts filed for confirmation), or licences (an agency: those it issues, in force at once; an enterprise: its own, pending), as CSV or JSON.',
    description:
      'CSV: a header of the create route\'s field names; lists separated by ";"; carrierCreditCode / employerCreditCode may stand for carrierId / employerId; enterprise contacts as contactName, contactRole, contactPhone. JSON: an array of create bodies, or {"rows": [...]}. Every bad row is reported with its line and reasons.',
  })
  @ApiConsumes('text/csv', 'application/json')
  @ApiBody({
    schema: {
      type: 'string',
      example:
        'creditCode,name,roles,district,address\n91320214MA1P3K2X02,无锡示例化工有限公司,producer;storer,新吴,无锡市新吴区化工路 1 号\n',
    },
  })
  @ApiOkResponse({
    type: ImportReportDto,
    description: 'What landed and every bad row. An atomic import with bad rows answers 422 instead, storing nothing.',
  })
  run(
    @Param('kind', new ParseEnumPipe(IMPORT_KINDS)) kind: ImportKind,
    @Query() q: ImportQuery,
    @Body() body: unknown,
    @CurrentPrincipal() p: Principal,
  ): Promise<ImportReport> {
    if (p.kind === 'enterprise' && (kind === 'chemicals' || kind === 'enterprises')) {
      throw new Forbidden(`only admin imports ${kind}`);
    }
    if (p.kind === 'agency' && kind !== 'licences')
      throw new Forbidden(`an agency imports licences it issues, not ${kind}`);
    return this.imports.import(kind, body, q.atomic === 'true', p);
  }
}
