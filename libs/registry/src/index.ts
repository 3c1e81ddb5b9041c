// The registry's public door: other contexts use these services (never the repositories).
export * from './registry.module.js';
export * from './vocabulary.js';
export { EnterpriseService } from './enterprises/enterprise.service.js';
export { AuthorizationService, type AuthorizationRequest } from './authorization/authorization.service.js';
export type { AuthorizationAnswer, AuthorizationReason } from './authorization/authorization.dto.js';
export { ControlledChemicalsService, type PermitUse } from './controlled/controlled-chemicals.service.js';
export {
  choosePermit,
  grams,
  permitProblems,
  remainingKg,
  type PermitFacts,
  type PermitNeed,
  type PermitProblem,
  type PermitShortfall,
} from './controlled/permit-rules.js';
export { ChemicalService } from './chemicals/chemical.service.js';
export type { ChemicalView } from './chemicals/chemical.dto.js';
export { VehicleService } from './vehicles/vehicle.service.js';
export type { VehicleView } from './vehicles/vehicle.dto.js';
export { PersonService } from './personnel/person.service.js';
export type { PersonView } from './personnel/person.dto.js';
export { FacilityService } from './facilities/facility.service.js';
export type { FacilityView } from './facilities/facility.dto.js';
export { LicenceService } from './licences/licence.service.js';
export type { LicenceView } from './licences/licence.dto.js';
export { LICENCE_ISSUERS, CERTIFICATE_ISSUERS, type Issuer } from './issuers.js';
export { maskPersonal } from './identifiers/citizen-id.js';
export { canonicalTerminalId } from './identifiers/terminal-id.js';
export { RegistryLookup } from './registry-lookup.service.js';
export { TerminalBindingService, type RegistrationAnswer } from './terminals/terminal-binding.service.js';
export type { TerminalBindingView } from './terminals/terminal-binding.dto.js';
export type { RegistrationClaim, RegistrationOutcome } from './terminals/registration-check.js';
export type { EnterpriseView } from './enterprises/enterprise.dto.js';
export { creditCodeCheckCharacter, CREDIT_CODE_ALPHABET } from './identifiers/credit-code.js';
export { citizenIdCheckCharacter } from './identifiers/citizen-id.js';
