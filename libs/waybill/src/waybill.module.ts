import { Module } from '@nestjs/common';
import { LedgerModule } from '@lib/ledger';
import { DatabaseModule } from '@lib/platform';
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

/**
 * E-waybills (电子运单) for dangerous goods by road: filing and validation on the registry,
 * the trip's state machine writing through the ledger, and matching against the track.
 */
@Module({
  imports: [
    RegistryModule,
    LedgerModule,
    TelematicsModule,
    DatabaseModule.forFeature([WaybillEntity, WaybillItemEntity, WaybillVersionEntity, WaybillTransitionEntity]),
  ],
  controllers: [WaybillsController],
  providers: [WaybillRepository, WaybillValidator, WaybillService, WaybillTransitions, WaybillTracking, WaybillPrint],
  exports: [WaybillService],
})
export class WaybillModule {}
