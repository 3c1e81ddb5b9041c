import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, CurrentPrincipal, type Principal } from '@lib/platform';
import { DecideOrderDto, IssueOrderDto, OrderQuery, RespondOrderDto } from '../audit.dto.js';
import { type OrderView, OrderService } from './order.service.js';

@ApiTags('audit')
@Controller('v1/supervision-orders')
export class OrdersController {
  constructor(private readonly orders: OrderService) {}

  @Post()
  @Allow('admin', 'agency')
  @ApiOperation({ summary: 'Issue a supervision order (督办) from a finding or a violation, with a deadline.' })
  issue(@Body() body: IssueOrderDto, @CurrentPrincipal() p: Principal): Promise<OrderView> {
    return this.orders.issue(body, p);
  }

  @Get()
  @Allow('admin', 'agency', 'enterprise')
  @ApiOperation({ summary: 'Orders by enterprise and status; overdue=true lists those past their deadline.' })
  list(@Query() q: OrderQuery, @CurrentPrincipal() p: Principal): Promise<OrderView[]> {
    return this.orders.list(q, p);
  }

  @Get(':id')
  @Allow('admin', 'agency', 'enterprise')
  get(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() p: Principal): Promise<OrderView> {
    return this.orders.get(id, p);
  }

  @Post(':id/respond')
  @HttpCode(200)
  @Allow('admin', 'enterprise')
  @ApiOperation({ summary: 'The enterprise answers with its rectification (整改情况).' })
  respond(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: RespondOrderDto,
    @CurrentPrincipal() p: Principal,
  ) {
    return this.orders.respond(id, body, p);
  }

  @Post(':id/close')
  @HttpCode(200)
  @Allow('admin', 'agency')
  close(@Param('id', new ParseUUIDPipe()) id: string, @Body() body: DecideOrderDto, @CurrentPrincipal() p: Principal) {
    return this.orders.close(id, body, p);
  }

  @Post(':id/reopen')
  @HttpCode(200)
  @Allow('admin', 'agency')
  reopen(@Param('id', new ParseUUIDPipe()) id: string, @Body() body: DecideOrderDto, @CurrentPrincipal() p: Principal) {
    return this.orders.reopen(id, body, p);
  }
}
