import { Module } from '@nestjs/common';
import { LedgerModule } from '@lib/ledger';
import { RegistryModule } from '@lib/registry';
import { TelematicsModule } from '@lib/telematics';
import { AssessmentController } from './assessment/assessment.controller.js';
import { AssessmentService } from './assessment/assessment.service.js';
import { AuditInputs } from './assessment/audit-inputs.js';
import { OrderRepository } from './orders/order.repository.js';
import { OrderService } from './orders/order.service.js';
import { OrdersController } from './orders/orders.controller.js';
import { StockRecordsController } from './records/stock-records.controller.js';
import { StockRecordsRepository } from './records/stock-records.repository.js';
import { StockRecordsService } from './records/stock-records.service.js';
import { AuditRunRepository } from './runs/audit-run.repository.js';
import { AuditRunService } from './runs/audit-run.service.js';
import { AuditRunJob } from './runs/audit-run.job.js';
import { AuditRunsController } from './runs/audit-runs.controller.js';

/**
 * Inventory audits for emergency management (库存检查): declarations and counts, reconciliation with
 * the ledger, GB 18218 major hazard identification and grading, the risk map and the per-enterprise
 * list, audit runs, supervision orders.
 */
@Module({
  imports: [RegistryModule, LedgerModule, TelematicsModule],
  controllers: [StockRecordsController, AssessmentController, AuditRunsController, OrdersController],
  providers: [
    StockRecordsRepository,
    StockRecordsService,
    AuditInputs,
    AssessmentService,
    AuditRunRepository,
    AuditRunService,
    AuditRunJob,
    OrderRepository,
    OrderService,
  ],
  exports: [AuditRunService],
})
export class AuditModule {}
