import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, CurrentPrincipal, type Principal } from '@lib/platform';
import {
  SendTerminalCommandDto,
  TerminalCommandPage,
  TerminalCommandQuery,
  TerminalCommandView,
} from './terminal-commands.dto.js';
import { TerminalCommandsService } from './terminal-commands.service.js';

@ApiTags('geofencing: terminal commands')
@Controller('v1')
export class TerminalCommandsController {
  constructor(private readonly commands: TerminalCommandsService) {}

  @Post('vehicles/:id/terminal-commands')
  @Allow('admin', 'agency:police', 'agency:transport', 'enterprise')
  @ApiOperation({
    summary:
      "Send a command to the vehicle's JT/T 808 terminal: a text message (police, transport), a position query (transport, or a carrier for its own vehicle), set or query parameters (transport). Stored queued; delivered by the gateway holding the terminal, or when it next signs in (until expiresInS); its answer is recorded (GET).",
  })
  @ApiCreatedResponse({ type: TerminalCommandView })
  send(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: SendTerminalCommandDto,
    @CurrentPrincipal() p: Principal,
  ): Promise<TerminalCommandView> {
    return this.commands.send(id, body, p);
  }

  @Get('vehicles/:id/terminal-commands')
  @Allow('admin', 'agency:police', 'agency:transport', 'enterprise')
  @ApiOperation({ summary: "The vehicle's terminal commands, newest first (a carrier: its own vehicles')." })
  @ApiOkResponse({ type: TerminalCommandPage })
  list(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query() q: TerminalCommandQuery,
    @CurrentPrincipal() p: Principal,
  ): Promise<TerminalCommandPage> {
    return this.commands.list(id, q, p);
  }

  @Get('terminal-commands/:id')
  @Allow('admin', 'agency:police', 'agency:transport', 'enterprise')
  @ApiOperation({ summary: 'One terminal command, its state and the terminal’s answer.' })
  @ApiOkResponse({ type: TerminalCommandView })
  get(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() p: Principal): Promise<TerminalCommandView> {
    return this.commands.get(id, p);
  }
}
