// The telematics context's public door.
export * from './telematics.module.js';
export { IngestService, type IngestReport } from './fixes/ingest.service.js';
export type { IncomingFix } from './fixes/fix.js';
export { AssignmentsService, type AssignmentInput } from './assignments/assignments.service.js';
export { FencesService } from './fences/fences.service.js';
export type { RouteView, ZoneView } from './fences/fences.dto.js';
export { ViolationsService } from './violations/violations.service.js';
export { WorldService } from './evaluation/world.service.js';
export { TrackReader } from './fixes/track-reader.js';
export type { StoredFix } from './fixes/fixes.repository.js';
export { PositionsStore } from './fixes/positions.store.js';
export { PositionsService } from './fixes/positions.service.js';
export { Jt808Gateway } from './gateway/jt808-gateway.js';
export { DriverCardsService } from './crew/driver-cards.service.js';
export { FacilityPassages } from './passages/facility-passages.service.js';
export type { StoredPassage } from './passages/facility-passages.repository.js';
