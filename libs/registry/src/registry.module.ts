import { LicenceExpiryJob } from './licences/licence-expiry.job.js';
import { Module } from '@nestjs/common';
import { AuthorizationController } from './authorization/authorization.controller.js';
import { AuthorizationService } from './authorization/authorization.service.js';
import { ChemicalEntity } from './chemicals/chemical.entity.js';
import { ChemicalRepository } from './chemicals/chemical.repository.js';
import { ChemicalService } from './chemicals/chemical.service.js';
import { ChemicalsController } from './chemicals/chemicals.controller.js';
import { CreditEventEntity, EnterpriseEntity } from './enterprises/enterprise.entity.js';
import { EnterpriseRepository } from './enterprises/enterprise.repository.js';
import { EnterpriseRegistrationFilingHandler, EnterpriseService } from './enterprises/enterprise.service.js';
import { EnterprisesController } from './enterprises/enterprises.controller.js';
import { FacilitiesController } from './facilities/facilities.controller.js';
import { FacilityEntity } from './facilities/facility.entity.js';
import { FacilityRepository } from './facilities/facility.repository.js';
import { FacilityService, FacilitySitingFilingHandler } from './facilities/facility.service.js';
import { ClaimFiler } from './gating.js';
import { ControlledChemicalsService } from './controlled/controlled-chemicals.service.js';
import { ControlledSaleEntity } from './controlled/controlled-sale.entity.js';
import { ControlledSaleRepository } from './controlled/controlled-sale.repository.js';
import { ControlledSalesController } from './controlled/controlled.controller.js';
import { ImportController } from './import/import.controller.js';
import { ImportService } from './import/import.service.js';
import { LicenceEntity, LicenceVersionEntity, PermitUseEntity } from './licences/licence.entity.js';
import { LicenceRepository } from './licences/licence.repository.js';
import { LicenceFilingHandler, LicenceService } from './licences/licence.service.js';
import { LicencesController } from './licences/licences.controller.js';
import { PersonEntity } from './personnel/person.entity.js';
import { PersonRepository } from './personnel/person.repository.js';
import { PersonQualificationFilingHandler, PersonService } from './personnel/person.service.js';
import { PersonnelController } from './personnel/personnel.controller.js';
import { RegistryLookup } from './registry-lookup.service.js';
import { VehicleEntity } from './vehicles/vehicle.entity.js';
import { VehicleRepository } from './vehicles/vehicle.repository.js';
import {
  VehicleCertificateFilingHandler,
  VehicleService,
  VehicleTankFilingHandler,
  VehicleTerminalFilingHandler,
} from './vehicles/vehicle.service.js';
import { VehiclesController } from './vehicles/vehicles.controller.js';
import { TerminalBindingRepository } from './terminals/terminal-binding.repository.js';
import { TerminalBindingService } from './terminals/terminal-binding.service.js';
import { TerminalBindingsController } from './terminals/terminal-bindings.controller.js';

/** The registry's TypeORM entities, for the data source the apps build (apps/contexts.ts). */
export const REGISTRY_ENTITIES = [
  EnterpriseEntity,
  CreditEventEntity,
  LicenceEntity,
  LicenceVersionEntity,
  PermitUseEntity,
  ControlledSaleEntity,
  ChemicalEntity,
  VehicleEntity,
  PersonEntity,
  FacilityEntity,
];

/** Who may do what with which chemical: enterprises, licences, the catalogue, vehicles, personnel, facilities. */
@Module({
  controllers: [
    EnterprisesController,
    LicencesController,
    AuthorizationController,
    ChemicalsController,
    VehiclesController,
    PersonnelController,
    FacilitiesController,
    ImportController,
    TerminalBindingsController,
    ControlledSalesController,
  ],
  providers: [
    EnterpriseRepository,
    LicenceRepository,
    ChemicalRepository,
    VehicleRepository,
    PersonRepository,
    FacilityRepository,
    EnterpriseService,
    LicenceService,
    AuthorizationService,
    ChemicalService,
    VehicleService,
    PersonService,
    FacilityService,
    ImportService,
    RegistryLookup,
    LicenceExpiryJob,
    ClaimFiler,
    TerminalBindingRepository,
    TerminalBindingService,
    ControlledSaleRepository,
    ControlledChemicalsService,
    // One handler per filing kind (checked at boot): confirming a claim makes it the fact.
    LicenceFilingHandler,
    VehicleCertificateFilingHandler,
    VehicleTankFilingHandler,
    VehicleTerminalFilingHandler,
    PersonQualificationFilingHandler,
    FacilitySitingFilingHandler,
    EnterpriseRegistrationFilingHandler,
  ],
  exports: [
    RegistryLookup,
    EnterpriseService,
    AuthorizationService,
    ChemicalService,
    VehicleService,
    PersonService,
    FacilityService,
    LicenceService,
    TerminalBindingService,
    ControlledChemicalsService,
  ],
})
export class RegistryModule {}
