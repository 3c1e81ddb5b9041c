// The telematics context's public door.
export * from './telematics.module.js';
export { AssignmentsService } from './assignments/assignments.service.js';
export type { AlertFacts, WaybillAlertFacts } from './assignments/alert-facts.js';
export { FencesService } from './fences/fences.service.js';
export type { RouteView } from './fences/fences.dto.js';
export { ViolationsService } from './violations/violations.service.js';
export { TrackReader } from './fixes/track-reader.js';
export type { StoredFix } from './fixes/fixes.repository.js';
export { PositionsService } from './fixes/positions.service.js';
export { Jt808Gateway } from './gateway/jt808-gateway.js';
export { FacilityPassages } from './passages/facility-passages.service.js';
export type { StoredPassage } from './passages/facility-passages.repository.js';
