import { Global, Module } from '@nestjs/common';
import { READ_POLICY } from '@lib/platform';
import { AlertAudienceRepository } from '../alerts/alert-audience.repository.js';
import { PolicyReads } from './policy-reads.js';
import { PolicyRepository } from './policy.repository.js';
import { PolicyService } from './policy.service.js';

/**
 * The sharing policy and the READ_POLICY port it implements. Global, so that telematics, waybill
 * and registry (which the exchange imports) can inject the port without importing the exchange.
 */
@Global()
@Module({
  providers: [
    PolicyRepository,
    PolicyService,
    AlertAudienceRepository,
    PolicyReads,
    { provide: READ_POLICY, useExisting: PolicyReads },
  ],
  exports: [PolicyService, READ_POLICY],
})
export class SharingPolicyModule {}
