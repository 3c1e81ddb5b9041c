import { Jt808Gateway } from './gateway/jt808-gateway.js';
import { Module } from '@nestjs/common';
import { DatabaseModule } from '@lib/platform';
import { RegistryModule } from '@lib/registry';
import { AssignmentEntity } from './assignments/assignment.entity.js';
import { AssignmentsController } from './assignments/assignments.controller.js';
import { AssignmentsService } from './assignments/assignments.service.js';
import { EngineStatesRepository } from './evaluation/engine-states.repository.js';
import { FixEvaluator } from './evaluation/fix-evaluator.js';
import { WorldService } from './evaluation/world.service.js';
import { RouteEntity, ZoneEntity } from './fences/fence.entity.js';
import { RoutesController, ZonesController } from './fences/fences.controller.js';
import { FencesRepository } from './fences/fences.repository.js';
import { FencesService } from './fences/fences.service.js';
import { FixesRepository } from './fixes/fixes.repository.js';
import { IngestService } from './fixes/ingest.service.js';
import { FixPartitionsJob } from './fixes/partitions.job.js';
import { PositionsService } from './fixes/positions.service.js';
import { PositionsStore } from './fixes/positions.store.js';
import { TelemetryController } from './fixes/telemetry.controller.js';
import { VehicleResolver } from './fixes/vehicle-resolver.js';
import { TrackReader } from './fixes/track-reader.js';
import { AcknowledgementEntity, ViolationEntity } from './violations/violation.entity.js';
import { ViolationsController } from './violations/violations.controller.js';
import { ViolationsRepository } from './violations/violations.repository.js';
import { ViolationsService } from './violations/violations.service.js';
import { WaybillReportsController } from './waybill-reports/waybill-reports.controller.js';
import { WaybillReportsRepository } from './waybill-reports/waybill-reports.repository.js';
import { WaybillReportsService } from './waybill-reports/waybill-reports.service.js';

/**
 * Telematics: permitted routes and zones, vehicle assignments, GPS ingest and storage, latest
 * positions and tracks, the evaluation of fixes through the geofence engine, violations.
 */
@Module({
  imports: [
    RegistryModule,
    DatabaseModule.forFeature([RouteEntity, ZoneEntity, AssignmentEntity, ViolationEntity, AcknowledgementEntity]),
  ],
  controllers: [
    TelemetryController,
    RoutesController,
    ZonesController,
    AssignmentsController,
    ViolationsController,
    WaybillReportsController,
  ],
  providers: [
    Jt808Gateway,
    FencesRepository,
    FencesService,
    AssignmentsService,
    FixesRepository,
    VehicleResolver,
    IngestService,
    PositionsStore,
    PositionsService,
    FixPartitionsJob,
    WorldService,
    EngineStatesRepository,
    FixEvaluator,
    ViolationsRepository,
    ViolationsService,
    TrackReader,
    WaybillReportsRepository,
    WaybillReportsService,
  ],
  exports: [
    Jt808Gateway,
    PositionsService,
    IngestService,
    AssignmentsService,
    FencesService,
    ViolationsService,
    WorldService,
    TrackReader,
    PositionsStore,
  ],
})
export class TelematicsModule {}
