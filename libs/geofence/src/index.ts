export {
  type Fix,
  type World,
  type Assignment,
  type DriverCardEvent,
  type EvidencePoint,
  type ViolationEvent,
  type VehicleState,
} from './types.js';
export { GeofenceEngine } from './engine.js';
export { classCovers } from './hazard-class.js';
// for tests and benches
export {
  RULE_CODES,
  type FacilityPassage,
  type RuleCode,
  type RouteDef,
  type ZoneKind,
  type ZoneDef,
  type FacilityFence,
  type Disposition,
} from './types.js';
