import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Job, Queue } from 'bullmq';
import { QUEUES } from '@genbot/core';
import { LedgerService } from '../application/ledger.service';
import { EXPIRE_HOLDS_EVERY_MS, LedgerJobMap } from './job-map';

/** Voids holds past their timeout. */
@Processor(QUEUES.ledger)
export class ExpireHoldsProcessor extends WorkerHost {
  constructor(private readonly ledger: LedgerService) {
    super();
  }

  async process(job: Job<LedgerJobMap[keyof LedgerJobMap]>): Promise<{ expired: number }> {
    if (job.name !== 'ledger.expire-holds') throw new Error(`unknown ledger job ${job.name}`);
    return { expired: await this.ledger.expireDueHolds() };
  }
}

/**
 * Registers the repeatable expiry job. A BullMQ job scheduler makes one job per tick however many
 * workers start, and upserting it on every boot is harmless. Not awaited: a worker whose Redis is
 * briefly away still boots (and reports not ready) and registers the job once Redis answers.
 */
@Injectable()
export class ExpireHoldsScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(ExpireHoldsScheduler.name);

  constructor(@InjectQueue(QUEUES.ledger) private readonly queue: Queue) {}

  onApplicationBootstrap(): void {
    this.queue
      .upsertJobScheduler(
        'ledger.expire-holds',
        { every: EXPIRE_HOLDS_EVERY_MS },
        { name: 'ledger.expire-holds', data: {}, opts: { removeOnComplete: 100, removeOnFail: 100 } },
      )
      .catch((error: unknown) => this.logger.error({ err: error }, 'could not schedule hold expiry'));
  }
}
