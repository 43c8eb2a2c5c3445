import { Injectable, Logger } from '@nestjs/common';
import { DomainError } from '@genbot/core';
import { LedgerService } from '@genbot/ledger';
import { GenerationsQueue } from '../infrastructure/generations.queue';
import { GenerationsRepository } from '../infrastructure/generations.repository';
import { CatalogService } from './catalog.service';

/** The hold outlives the provider's timeout by this much, as at submission. */
const HOLD_MARGIN_SECONDS = 30 * 60;
const NOT_PARKED = Symbol('not parked any more');

/**
 * Seed 001's parked jobs (`waiting_payment`): the payments lib calls `resume` after crediting a
 * user, and `failOverdue` from its reconciliation pass. Kept apart from GenerationsService so the
 * payments side touches this lib through two named methods only.
 */
@Injectable()
export class WaitingPaymentsService {
  private readonly logger = new Logger(WaitingPaymentsService.name);

  constructor(
    private readonly repository: GenerationsRepository,
    private readonly catalog: CatalogService,
    private readonly ledger: LedgerService,
    private readonly queue: GenerationsQueue,
  ) {}

  /**
   * Holds the price of the user's parked generations, oldest first, while the balance covers them,
   * and queues them. The hold's key is the one submission used, so racing calls share one hold.
   */
  async resume(userId: string): Promise<string[]> {
    const resumed: string[] = [];
    const parked = (await this.repository.listForUser(userId, 50, 'waiting_payment')).reverse();
    for (const generation of parked) {
      const model = await this.catalog.byId(generation.modelId);
      // The hold and the status change commit together: no hold without a queued generation.
      const outcome = await this.repository
        .transaction(async (em) => {
          const { hold } = await this.ledger.reserve(
            {
              idempotencyKey: `generation:${generation.id}`,
              userId,
              amount: generation.priceCredits,
              kind: 'generation',
              ttlSeconds: (model?.timeoutSeconds ?? 600) + HOLD_MARGIN_SECONDS,
              reference: generation.id,
              meta: { generationId: generation.id, model: model?.slug, jobId: generation.id },
            },
            em,
          );
          // No row moved: cancelled meanwhile, or queued by a racing call. Roll the hold back with it.
          if (!(await this.repository.transition(generation.id, ['waiting_payment'], { status: 'queued', hold_id: hold.id }, em))) throw NOT_PARKED;
          return 'queued' as const;
        })
        .catch((error: unknown) => {
          if (error === NOT_PARKED) return 'skipped' as const;
          if (error instanceof DomainError && error.code === 'LEDGER_INSUFFICIENT_CREDITS') return 'short' as const;
          throw error;
        });
      if (outcome === 'short') break;
      if (outcome === 'skipped') continue;
      await this.queue.run(generation.id);
      resumed.push(generation.id);
    }
    if (resumed.length) this.logger.log({ userId, resumed }, 'parked generations resumed after a payment');
    return resumed;
  }

  /** Fails generations parked since before `before`: no payment came in time. */
  failOverdue(before: Date, limit = 200): Promise<string[]> {
    return this.repository.failParkedBefore(before, 'payment not received in time', limit);
  }
}
