import { Module } from '@nestjs/common';
import { DatabaseModule } from '@lib/platform';
import { RegistryModule } from '@lib/registry';
import { LedgerRepository } from './ledger.repository.js';
import { LedgerWriter } from './ledger-writer.js';
import { LotsController } from './lots/lots.controller.js';
import { TraceService } from './lots/trace.service.js';
import { LotEntity, MovementEntity, WasteManifestEntity } from './movement.entity.js';
import { MovementService } from './movements/movement.service.js';
import { MovementsController } from './movements/movements.controller.js';
import { StockController } from './stock/stock.controller.js';
import { StockService } from './stock/stock.service.js';
import { ManifestRepository } from './waste/manifest.repository.js';
import { ManifestService } from './waste/manifest.service.js';
import { ManifestsController } from './waste/manifests.controller.js';

/** The lifecycle ledger: append-only movements, hash chains, stock, lots and their traces, waste manifests. */
@Module({
  imports: [RegistryModule, DatabaseModule.forFeature([MovementEntity, LotEntity, WasteManifestEntity])],
  controllers: [MovementsController, StockController, LotsController, ManifestsController],
  providers: [
    LedgerRepository,
    LedgerWriter,
    MovementService,
    StockService,
    TraceService,
    ManifestRepository,
    ManifestService,
  ],
  exports: [MovementService, StockService, LedgerWriter, TraceService, ManifestService],
})
export class LedgerModule {}
