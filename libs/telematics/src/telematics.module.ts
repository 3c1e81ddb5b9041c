import { Jt808Gateway } from './gateway/jt808-gateway.js';
import { TerminalAdmission } from './gateway/terminal-admission.js';
import { TerminalSessions } from './gateway/terminal-sessions.js';
import { TerminalSessionsRepository } from './gateway/terminal-sessions.repository.js';
import { Module } from '@nestjs/common';
import { RegistryModule } from '@lib/registry';
import { AssignmentEntity } from './assignments/assignment.entity.js';
import { AssignmentsController } from './assignments/assignments.controller.js';
import { AssignmentsRepository } from './assignments/assignments.repository.js';
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
import { DriverCardsController } from './crew/driver-cards.controller.js';
import { DriverCardsRepository } from './crew/driver-cards.repository.js';
import { DriverCardsService } from './crew/driver-cards.service.js';
import { SpokenWarningsController } from './commands/spoken-warnings.controller.js';
import { SpokenWarningsRepository } from './commands/spoken-warnings.repository.js';
import { SpokenWarningsService } from './commands/spoken-warnings.service.js';
import { TerminalCommandsController } from './commands/terminal-commands.controller.js';
import { TerminalCommandsRepository } from './commands/terminal-commands.repository.js';
import { TerminalCommandsService } from './commands/terminal-commands.service.js';
import { TerminalCommandRelay } from './gateway/terminal-commands.js';
import { WaybillReportsController } from './waybill-reports/waybill-reports.controller.js';
import { WaybillReportsRepository } from './waybill-reports/waybill-reports.repository.js';
import { WaybillReportsService } from './waybill-reports/waybill-reports.service.js';
import { FacilityPassages } from './passages/facility-passages.service.js';
import { FacilityPassagesRepository } from './passages/facility-passages.repository.js';

/** Telematics' TypeORM entities, for the data source the apps build (apps/contexts.ts). */
export const TELEMATICS_ENTITIES = [RouteEntity, ZoneEntity, AssignmentEntity, ViolationEntity, AcknowledgementEntity];

/**
 * Telematics: permitted routes and zones, vehicle assignments, GPS ingest and storage, latest
 * positions and tracks, the evaluation of fixes through the geofence engine, violations.
 */
@Module({
  imports: [RegistryModule],
  controllers: [
    TelemetryController,
    RoutesController,
    ZonesController,
    AssignmentsController,
    ViolationsController,
    DriverCardsController,
    TerminalCommandsController,
    SpokenWarningsController,
    WaybillReportsController,
  ],
  providers: [
    Jt808Gateway,
    TerminalAdmission,
    TerminalSessions,
    TerminalSessionsRepository,
    FencesRepository,
    AssignmentsRepository,
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
    DriverCardsRepository,
    DriverCardsService,
    TerminalCommandsRepository,
    TerminalCommandsService,
    TerminalCommandRelay,
    SpokenWarningsRepository,
    SpokenWarningsService,
    WaybillReportsRepository,
    WaybillReportsService,
    FacilityPassagesRepository,
    FacilityPassages,
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
    TerminalCommandsService,
    FacilityPassages,
  ],
})
export class TelematicsModule {}
