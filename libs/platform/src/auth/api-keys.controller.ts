import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { decodeCursor, isUuidString, type Page, PageQuery, toPage } from '../http/pagination.js';
import { ShownOnce } from '../idempotency/shown-once.js';
import { Allow, CurrentPrincipal } from './access.decorators.js';
import { ApiKeyDto, ApiKeyPageDto, MintApiKeyDto, MintedApiKeyDto } from './api-key.dto.js';
import { ApiKeyService } from './api-key.service.js';
import type { Principal } from './principal.js';

@ApiTags('api keys')
@Controller('v1/api-keys')
@Allow('admin')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeyService) {}

  @Post()
  @ShownOnce('key', 'revoke this key (DELETE /v1/api-keys/{id}) and mint another')
  @ApiOperation({
    summary: 'Mint an API key (admin). The key is returned only in this response.',
    description:
      'A retry with the same Idempotency-Key (after a timeout) mints nothing: it answers 201 again with the same key id, `key: null` and `withheld.key` saying the key was shown once. Nothing can show it again: revoke that key and mint another.',
  })
  @ApiCreatedResponse({ type: MintedApiKeyDto })
  async mint(@Body() body: MintApiKeyDto, @CurrentPrincipal() by: Principal): Promise<MintedApiKeyDto> {
    const { key, view } = await this.keys.mint(body, by.keyId);
    return { ...view, key };
  }

  @Get()
  @ApiOperation({ summary: 'List API keys (admin), oldest first. Secrets are never returned.' })
  @ApiOkResponse({ type: ApiKeyPageDto })
  async list(@Query() query: PageQuery): Promise<Page<ApiKeyDto>> {
    const limit = query.limit ?? 50;
    const rows = await this.keys.list(decodeCursor(query.cursor, isUuidString), limit + 1);
    return toPage(rows, limit, (k) => k.id);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke an API key (admin). Revoking twice is harmless.' })
  @ApiNoContentResponse()
  async revoke(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() by: Principal): Promise<void> {
    await this.keys.revoke(id, by);
  }
}
