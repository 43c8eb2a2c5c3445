import { DynamicModule, Module } from '@nestjs/common';
import { AdminJobsModule } from '@genbot/admin';
import { AppConfig, CoreModule } from '@genbot/core';
import { BroadcastsJobsModule } from '@genbot/broadcasts';
import { GenerationsJobsModule } from '@genbot/generations';
import { GrowthJobsModule } from '@genbot/growth';
import { LedgerJobsModule } from '@genbot/ledger';
import { PaymentsJobsModule } from '@genbot/payments';

/**
 * The background worker: BullMQ processors and scheduled jobs. Each lib contributes a
 * `*JobsModule` that is imported here (and nowhere but here and the all-in-one process).
 */
@Module({})
export class WorkerModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        CoreModule.forRoot(config, 'worker'),
        LedgerJobsModule,
        GenerationsJobsModule,
        PaymentsJobsModule,
        AdminJobsModule,
        BroadcastsJobsModule,
        GrowthJobsModule,
      ],
    };
  }
}
