import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, CurrentPrincipal, type Page, type Principal } from '@lib/platform';
import {
  BindingChangeDto,
  BindTerminalDto,
  TerminalBindingPage,
  TerminalBindingQuery,
  TerminalBindingView,
} from './terminal-binding.dto.js';
import { TerminalBindingService } from './terminal-binding.service.js';

@ApiTags('registry: terminal bindings')
@Controller('v1/terminal-bindings')
export class TerminalBindingsController {
  constructor(private readonly bindings: TerminalBindingService) {}

  @Post()
  @Allow('admin', 'agency:transport')
  @ApiOperation({
    summary:
      'Bind a JT/T 808 terminal to a vehicle (transport): its registration (0x0100) must then name this maker, the vehicle’s plate and plate colour. Binding the same terminal to the same vehicle again replaces the details, and the terminal registers again. 409 TERMINAL_BOUND / VEHICLE_HAS_TERMINAL: unbind first.',
  })
  @ApiCreatedResponse({ type: TerminalBindingView })
  bind(@Body() body: BindTerminalDto, @CurrentPrincipal() p: Principal): Promise<TerminalBindingView> {
    return this.bindings.bind(body, p);
  }

  @Post(':terminalId/unbind')
  @HttpCode(200)
  @Allow('admin', 'agency:transport')
  @ApiOperation({ summary: 'End a terminal’s binding: its code stops working and its connection is closed.' })
  @ApiOkResponse({ type: TerminalBindingView })
  unbind(
    @Param('terminalId') terminalId: string,
    @Body() body: BindingChangeDto,
    @CurrentPrincipal() p: Principal,
  ): Promise<TerminalBindingView> {
    return this.bindings.unbind(terminalId, body.reason, p);
  }

  @Post(':terminalId/reset')
  @HttpCode(200)
  @Allow('admin', 'agency:transport')
  @ApiOperation({
    summary:
      'Allow a bound terminal to register again (a replaced or re-flashed unit): its code stops working and its connection is closed.',
  })
  @ApiOkResponse({ type: TerminalBindingView })
  reset(
    @Param('terminalId') terminalId: string,
    @Body() body: BindingChangeDto,
    @CurrentPrincipal() p: Principal,
  ): Promise<TerminalBindingView> {
    return this.bindings.reset(terminalId, body.reason, p);
  }

  @Get()
  @Allow('admin', 'agency', 'enterprise')
  @ApiOperation({ summary: 'Bindings with their history (a carrier sees its own vehicles’ only).' })
  @ApiOkResponse({ type: TerminalBindingPage })
  list(@Query() q: TerminalBindingQuery, @CurrentPrincipal() p: Principal): Promise<Page<TerminalBindingView>> {
    return this.bindings.list(q, p);
  }

  @Get(':terminalId')
  @Allow('admin', 'agency', 'enterprise')
  @ApiOkResponse({ type: TerminalBindingView })
  get(@Param('terminalId') terminalId: string, @CurrentPrincipal() p: Principal): Promise<TerminalBindingView> {
    return this.bindings.get(terminalId, p);
  }
}
