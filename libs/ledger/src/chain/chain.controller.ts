import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, CurrentPrincipal, type Principal } from '@lib/platform';
import {
  ChainVerification,
  CheckpointHeadsPage,
  CheckpointHeadsQuery,
  CheckpointListQuery,
  CheckpointSubmission,
  CheckpointView,
  CityChainVerification,
  PublicKeyView,
  ReceivedCheckpointCheck,
} from './chain.dto.js';
import { ChainIntegrityService } from './chain-integrity.service.js';

@ApiTags('ledger: chains and checkpoints')
@Controller('v1')
export class ChainController {
  constructor(private readonly chains: ChainIntegrityService) {}

  @Get('facilities/:id/ledger/verify')
  @Allow('admin', 'agency', 'enterprise')
  @ApiOperation({
    summary:
      "Recompute the facility's keyed hash chain, compare it with every published checkpoint, and name the first broken link and where it departs.",
  })
  @ApiOkResponse({ type: ChainVerification })
  verify(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() p: Principal): Promise<ChainVerification> {
    return this.chains.verifyFacility(id, p);
  }

  @Get('ledger/verify')
  @Allow('admin', 'agency')
  @ApiOperation({
    summary:
      "Every facility's chain in the city, recomputed and compared with the published checkpoints; lists the chains that are not intact. Reads every movement.",
  })
  @ApiOkResponse({ type: CityChainVerification })
  verifyCity(): Promise<CityChainVerification> {
    return this.chains.verifyCity();
  }

  @Get('checkpoints/public-key')
  @Allow('admin', 'agency')
  @ApiOperation({ summary: 'The Ed25519 public key that checkpoints are signed with (PEM and JWK), and its key id.' })
  @ApiOkResponse({ type: PublicKeyView })
  publicKey(): PublicKeyView {
    return this.chains.publicKey();
  }

  @Get('checkpoints')
  @Allow('admin', 'agency')
  @ApiOperation({ summary: 'Published checkpoints, newest first, as signed.' })
  @ApiOkResponse({ type: [CheckpointView] })
  list(@Query() q: CheckpointListQuery): Promise<{ items: CheckpointView[]; next: string | null }> {
    return this.chains.list(q.before ?? null, q.limit ?? 50);
  }

  @Post('checkpoints')
  @Allow('admin', 'agency:emergency')
  @ApiOperation({
    summary:
      'Publish a checkpoint now (kind demand), outside the hourly and daily ones: before an inspection or an export. Published as integrity.checkpoint like the others.',
  })
  @ApiCreatedResponse({ type: CheckpointView })
  publish(): Promise<CheckpointView> {
    return this.chains.publishNow();
  }

  @Post('checkpoints/verify')
  @HttpCode(200)
  @Allow('admin', 'agency')
  @ApiOperation({
    summary:
      'Check a checkpoint as received (the integrity.checkpoint data, and the head list kept with it) against the database: its signature, the stored copy, and every head it recorded. A bad signature is 422.',
  })
  @ApiOkResponse({ type: ReceivedCheckpointCheck })
  verifyReceived(@Body() body: CheckpointSubmission): Promise<ReceivedCheckpointCheck> {
    return this.chains.verifyReceived(body);
  }

  @Get('checkpoints/:id')
  @Allow('admin', 'agency')
  @ApiOperation({ summary: 'One checkpoint as signed.' })
  @ApiOkResponse({ type: CheckpointView })
  get(@Param('id', new ParseUUIDPipe()) id: string): Promise<CheckpointView> {
    return this.chains.view(id);
  }

  @Get('checkpoints/:id/heads')
  @Allow('admin', 'agency')
  @ApiOperation({
    summary:
      "A page of the checkpoint's head list in Merkle leaf order (chain name, byte order): all pages give the signed root.",
  })
  @ApiOkResponse({ type: CheckpointHeadsPage })
  heads(@Param('id', new ParseUUIDPipe()) id: string, @Query() q: CheckpointHeadsQuery): Promise<CheckpointHeadsPage> {
    return this.chains.heads(id, q.after, q.limit ?? 1000);
  }
}
