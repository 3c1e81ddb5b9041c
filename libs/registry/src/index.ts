// The registry's public door: other contexts use these services (never the repositories).
export * from './registry.module.js';
export {
  DISTRICTS,
  PROVINCE_CODES,
  type LicenceKind,
  type Activity,
  HAZARD_CLASSES,
  WASTE_CODE,
} from './vocabulary.js';
export { AuthorizationService } from './authorization/authorization.service.js';
export { ControlledChemicalsService, type PermitUse } from './controlled/controlled-chemicals.service.js';
export { choosePermit, grams, type PermitFacts, type PermitShortfall } from './controlled/permit-rules.js';
export type { ChemicalView } from './chemicals/chemical.dto.js';
export { VehicleService } from './vehicles/vehicle.service.js';
export type { VehicleView } from './vehicles/vehicle.dto.js';
export type { PersonView } from './personnel/person.dto.js';
export type { FacilityView } from './facilities/facility.dto.js';
export { LicenceService } from './licences/licence.service.js';
export { maskPersonal } from './identifiers/citizen-id.js';
export { canonicalTerminalId } from './identifiers/terminal-id.js';
export { RegistryLookup } from './registry-lookup.service.js';
export { TerminalBindingService } from './terminals/terminal-binding.service.js';
export type { RegistrationOutcome } from './terminals/registration-check.js';
export type { EnterpriseView } from './enterprises/enterprise.dto.js';
export { creditCodeCheckCharacter, CREDIT_CODE_ALPHABET } from './identifiers/credit-code.js';
export { citizenIdCheckCharacter } from './identifiers/citizen-id.js';
