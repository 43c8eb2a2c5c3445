import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Job, Queue } from 'bullmq';
import { PaymentsService, ReconcileReport } from '../application/payments.service';
import { QUEUES } from '@genbot/core';

export const PAYMENTS_QUEUE = QUEUES.payments;
export const RECONCILE_EVERY_MS = 3 * 60_000;

/** Jobs of the `payments` queue and their payloads. */
export interface PaymentsJobMap {
  'payments.reconcile': Record<string, never>;
}

/** Settles card payments whose notification was lost, and expires the unpaid. */
@Processor(PAYMENTS_QUEUE)
export class ReconcilePaymentsProcessor extends WorkerHost {
  private readonly logger = new Logger(ReconcilePaymentsProcessor.name);

  constructor(private readonly payments: PaymentsService) {
    super();
  }

  async process(job: Job<PaymentsJobMap[keyof PaymentsJobMap]>): Promise<ReconcileReport> {
    if (job.name !== 'payments.reconcile') throw new Error(`unknown payments job ${job.name}`);
    const report = await this.payments.reconcile();
    if (report.credited.length || report.canceled.length || report.expired.length || report.waitingFailed.length)
      this.logger.log(report, 'payments reconciled');
    return report;
  }
}

/** One repeatable reconciliation job however many workers start (a BullMQ job scheduler, upserted on boot). */
@Injectable()
export class ReconcilePaymentsScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(ReconcilePaymentsScheduler.name);

  constructor(@InjectQueue(PAYMENTS_QUEUE) private readonly queue: Queue) {}

  onApplicationBootstrap(): void {
    this.queue
      .upsertJobScheduler(
        'payments.reconcile',
        { every: RECONCILE_EVERY_MS },
        { name: 'payments.reconcile', data: {}, opts: { removeOnComplete: 100, removeOnFail: 100 } },
      )
      .catch((error: unknown) => this.logger.error({ err: error }, 'could not schedule payment reconciliation'));
  }
}
