import { Module } from '@nestjs/common';
import { LedgerModule } from '@lib/ledger';
import { RegistryModule } from '@lib/registry';
import { TelematicsModule } from '@lib/telematics';
import { WaybillEntity, WaybillItemEntity, WaybillTransitionEntity, WaybillVersionEntity } from './waybill.entity.js';
import { WaybillPrint } from './print/print.service.js';
import { WaybillRepository } from './waybill.repository.js';
import { WaybillService } from './waybill.service.js';
import { WaybillTracking } from './tracking/waybill-tracking.js';
import { WaybillTransitions } from './states/waybill-transitions.service.js';
import { WaybillValidator } from './waybill.validator.js';
import { WaybillsController } from './waybills.controller.js';

/** The waybill context's TypeORM entities, for the data source the apps build (apps/contexts.ts). */
export const WAYBILL_ENTITIES = [WaybillEntity, WaybillItemEntity, WaybillVersionEntity, WaybillTransitionEntity];

/**
 * E-waybills (电子运单) for dangerous goods by road: filing and validation on the registry,
 * the trip's state machine writing through the ledger, and matching against the track.
 */
@Module({
  imports: [RegistryModule, LedgerModule, TelematicsModule],
  controllers: [WaybillsController],
  providers: [WaybillRepository, WaybillValidator, WaybillService, WaybillTransitions, WaybillTracking, WaybillPrint],
  exports: [WaybillService],
})
export class WaybillModule {}
