import { Body, Controller, Get, Header, HttpCode, Param, ParseUUIDPipe, Post, Put, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Allow, ApiPurposeHeader, CurrentPrincipal, type Page, type Principal, Purpose } from '@lib/platform';
import {
  CancelDto,
  LoadDto,
  MoveDto,
  ReceiveDto,
  ResolveDiscrepancyDto,
  WaybillContentDto,
  WaybillPage,
  WaybillQuery,
  WaybillView,
} from './waybill.dto.js';
import { WaybillPrint } from './print/print.service.js';
import { WaybillService } from './waybill.service.js';
import { WaybillTransitions } from './states/waybill-transitions.service.js';

const IDEMPOTENCY = {
  name: 'Idempotency-Key',
  required: false,
  description: 'Retrying with the same key answers the first result and writes nothing twice.',
};
const at = (dto: MoveDto): Date => (dto.at ? new Date(dto.at) : new Date());

/** E-waybills (电子运单): filing, the trip's state machine, reading and printing. */
@ApiTags('waybills')
@ApiHeader(IDEMPOTENCY)
@Controller('v1/waybills')
export class WaybillsController {
  constructor(
    private readonly filing: WaybillService,
    private readonly trip: WaybillTransitions,
    private readonly print: WaybillPrint,
  ) {}

  @Post()
  @Allow('admin', 'enterprise')
  @ApiOperation({ summary: 'File a draft (the caller is the consignor, 托运人). Rules are checked at submission.' })
  @ApiCreatedResponse({ type: WaybillView })
  create(@Body() body: WaybillContentDto, @CurrentPrincipal() p: Principal): Promise<WaybillView> {
    return this.filing.create(body, p);
  }

  @Put(':id')
  @Allow('admin', 'enterprise')
  @ApiOperation({
    summary: 'Change a draft in place, or a submitted waybill as a new version (validated again; history kept).',
  })
  @ApiOkResponse({ type: WaybillView })
  amend(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: WaybillContentDto,
    @CurrentPrincipal() p: Principal,
  ): Promise<WaybillView> {
    return this.filing.amend(id, body, p);
  }

  @Post(':id/submit')
  @HttpCode(200)
  @Allow('admin', 'enterprise')
  @ApiOperation({
    summary: 'draft → submitted. Every rule is checked; a 422 lists every failed rule with its code.',
  })
  @ApiOkResponse({ type: WaybillView })
  submit(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() p: Principal): Promise<WaybillView> {
    return this.filing.submit(id, p);
  }

  @Post(':id/load')
  @HttpCode(200)
  @Allow('admin', 'enterprise')
  @ApiOperation({
    summary:
      'submitted → loaded: the loader (装货人) signs its pre-loading check; rules are re-checked and the consignor’s ship movements are booked.',
  })
  @ApiOkResponse({ type: WaybillView })
  load(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: LoadDto,
    @CurrentPrincipal() p: Principal,
  ): Promise<WaybillView> {
    return this.trip.load(id, body, p);
  }

  @Post(':id/depart')
  @HttpCode(200)
  @Allow('admin', 'enterprise')
  @ApiOperation({ summary: 'loaded → in_transit (the carrier; also done by GPS leaving the loading fence).' })
  @ApiOkResponse({ type: WaybillView })
  depart(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: MoveDto,
    @CurrentPrincipal() p: Principal,
  ): Promise<WaybillView> {
    return this.trip.depart(id, at(body), p);
  }

  @Post(':id/arrive')
  @HttpCode(200)
  @Allow('admin', 'enterprise')
  @ApiOperation({ summary: 'in_transit → arrived (the carrier; also done by GPS entering the unloading fence).' })
  @ApiOkResponse({ type: WaybillView })
  arrive(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: MoveDto,
    @CurrentPrincipal() p: Principal,
  ): Promise<WaybillView> {
    return this.trip.arrive(id, at(body), p);
  }

  @Post(':id/receive')
  @HttpCode(200)
  @Allow('admin', 'enterprise')
  @ApiOperation({
    summary:
      'arrived → received: the consignee records what it received; its receive movements are booked and compared with what was shipped.',
  })
  @ApiOkResponse({ type: WaybillView })
  receive(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: ReceiveDto,
    @CurrentPrincipal() p: Principal,
  ): Promise<WaybillView> {
    return this.trip.receive(id, body, p);
  }

  @Post(':id/close')
  @HttpCode(200)
  @Allow('admin', 'enterprise')
  @ApiOperation({ summary: 'received → closed (consignee or consignor); a discrepancy stays on the record.' })
  @ApiOkResponse({ type: WaybillView })
  close(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() p: Principal): Promise<WaybillView> {
    return this.trip.close(id, p);
  }

  @Post(':id/discrepancy/resolve')
  @HttpCode(200)
  @Allow('admin', 'agency:emergency')
  @ApiOperation({
    summary:
      'Emergency management resolves a discrepancy found at receipt: its finding and reason are kept, and what is still in transit of each line is written off as a loss citing them.',
  })
  @ApiOkResponse({ type: WaybillView })
  resolveDiscrepancy(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: ResolveDiscrepancyDto,
    @CurrentPrincipal() p: Principal,
  ): Promise<WaybillView> {
    return this.trip.resolveDiscrepancy(id, body, p);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Allow('admin', 'enterprise')
  @ApiOperation({ summary: 'draft or submitted → cancelled (the consignor), releasing the vehicle and crew.' })
  @ApiOkResponse({ type: WaybillView })
  cancel(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: CancelDto,
    @CurrentPrincipal() p: Principal,
  ): Promise<WaybillView> {
    return this.filing.cancel(id, body.reason, p);
  }

  @Get()
  @Allow('admin', 'agency', 'enterprise')
  @ApiOperation({
    summary:
      'Enterprises: their own waybills as consignor, carrier or consignee. Agencies: as their sharing policy gives them (all, or only those with a discrepancy), by status, vehicle, chemical, date, district, overdue, discrepancy.',
  })
  @ApiOkResponse({ type: WaybillPage })
  list(@Query() q: WaybillQuery, @CurrentPrincipal() p: Principal): Promise<Page<WaybillView>> {
    return this.filing.list(q, p);
  }

  @Get(':id')
  @Allow('admin', 'agency', 'enterprise')
  @ApiOperation({ summary: 'The waybill with its versions, transitions and the ledger movements it booked.' })
  @ApiOkResponse({ type: WaybillView })
  get(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() p: Principal): Promise<WaybillView> {
    return this.filing.get(id, p);
  }

  @Get(':id/print')
  @Allow('admin', 'agency', 'enterprise')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @ApiProduces('text/html')
  @ApiOperation({
    summary:
      'The printable waybill the driver carries, with its number as a QR code (an agency: when its sharing policy gives it the whole waybill).',
  })
  @ApiPurposeHeader()
  printable(
    @Param('id', new ParseUUIDPipe()) id: string,
    @CurrentPrincipal() p: Principal,
    @Purpose() purpose: string | null,
  ): Promise<string> {
    return this.print.html(id, p, purpose);
  }
}
