import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { QUEUES } from '@genbot/core';
import { LedgerService } from './application/ledger.service';
import { LedgerRepository } from './infrastructure/ledger.repository';
import { ExpireHoldsProcessor, ExpireHoldsScheduler } from './jobs/expire-holds.processor';

@Module({
  providers: [LedgerRepository, LedgerService],
  exports: [LedgerService],
})
export class LedgerModule {}

/** The ledger's processors; imported only by the worker (and the all-in-one process). */
@Module({
  imports: [LedgerModule, BullModule.registerQueue({ name: QUEUES.ledger })],
  providers: [ExpireHoldsProcessor, ExpireHoldsScheduler],
})
export class LedgerJobsModule {}
