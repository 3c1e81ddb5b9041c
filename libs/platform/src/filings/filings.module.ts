import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { FilingHandlerRegistry } from './filing-handler.js';
import { FilingRepository } from './filing.repository.js';
import { FilingsController } from './filings.controller.js';
import { FilingsService } from './filings.service.js';

/** The supervision work queue: claims awaiting the agency entitled to confirm them. */
@Module({
  imports: [DiscoveryModule],
  controllers: [FilingsController],
  providers: [FilingRepository, FilingHandlerRegistry, FilingsService],
  exports: [FilingsService],
})
export class FilingsModule {}
