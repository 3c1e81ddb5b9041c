import { Module } from '@nestjs/common';
import { RegistryModule } from '@lib/registry';
import { ChainIntegrityService } from './chain/chain-integrity.service.js';
import { ChainController } from './chain/chain.controller.js';
import { ChainCheckpointJob } from './chain/checkpoint.job.js';
import { LedgerRepository } from './ledger.repository.js';
import { LedgerWriter } from './ledger-writer.js';
import { LotsController } from './lots/lots.controller.js';
import { TraceService } from './lots/trace.service.js';
import { LotEntity, MovementEntity, WasteManifestEntity } from './movement.entity.js';
import { CorrectionService, LedgerCorrectionHandler } from './movements/correction.service.js';
import { MovementService } from './movements/movement.service.js';
import { MovementsController } from './movements/movements.controller.js';
import { StockController } from './stock/stock.controller.js';
import { StockService } from './stock/stock.service.js';
import { ManifestRepository } from './waste/manifest.repository.js';
import { ManifestService } from './waste/manifest.service.js';
import { ManifestsController } from './waste/manifests.controller.js';

/** The ledger's TypeORM entities, for the data source the apps build (apps/contexts.ts). */
export const LEDGER_ENTITIES = [MovementEntity, LotEntity, WasteManifestEntity];

/** The lifecycle ledger: append-only movements, keyed hash chains and their checkpoints, stock, lots and their traces, waste manifests. */
@Module({
  imports: [RegistryModule],
  controllers: [MovementsController, StockController, ChainController, LotsController, ManifestsController],
  providers: [
    LedgerRepository,
    LedgerWriter,
    MovementService,
    CorrectionService,
    LedgerCorrectionHandler,
    StockService,
    TraceService,
    ManifestRepository,
    ManifestService,
    ChainIntegrityService,
    ChainCheckpointJob,
  ],
  exports: [MovementService, StockService, LedgerWriter, TraceService, ManifestService],
})
export class LedgerModule {}
