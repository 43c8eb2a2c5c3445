import { Injectable, Logger } from '@nestjs/common';
import { DomainError } from '@genbot/core';
import { LedgerService } from '@genbot/ledger';
import { GenerationsQueue } from '../infrastructure/generations.queue';
import { GenerationsRepository } from '../infrastructure/generations.repository';
import { CatalogService } from './catalog.service';

/** The hold outlives the provider's timeout by this much, as at submission. */
const HOLD_MARGIN_SECONDS = 30 * 60;

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
    const parked = (await this.repository.listForUser(userId, 50, ['waiting_payment'])).reverse();
    for (const generation of parked) {
      const model = await this.catalog.byId(generation.modelId);
      let holdId: string;
      try {
        const { hold } = await this.ledger.reserve({
          idempotencyKey: `generation:${generation.id}`,
          userId,
          amount: generation.priceCredits,
          kind: 'generation',
          ttlSeconds: (model?.timeoutSeconds ?? 600) + HOLD_MARGIN_SECONDS,
          reference: generation.id,
          meta: { generationId: generation.id, model: model?.slug, jobId: generation.id },
        });
        holdId = hold.id;
      } catch (error) {
        if (error instanceof DomainError && error.code === 'LEDGER_INSUFFICIENT_CREDITS') break;
        throw error;
      }
      const queued = await this.repository.transition(generation.id, ['waiting_payment'], { status: 'queued', hold_id: holdId });
      if (queued) {
        await this.queue.run(generation.id);
        resumed.push(generation.id);
        continue;
      }
      // Cancelled meanwhile, or queued by a racing call with this same hold: give the hold back only in the first case.
      const now = await this.repository.find(generation.id);
      if (now?.holdId !== holdId) await this.ledger.release({ holdId }).catch(() => undefined);
    }
    if (resumed.length) this.logger.log({ userId, resumed }, 'parked generations resumed after a payment');
    return resumed;
  }

  /** Fails generations parked since before `before`: no payment came in time. */
  async failOverdue(before: Date, limit = 200): Promise<string[]> {
    const [rows]: [{ id: string }[], number] = await this.repository.dataSource.query(
      `UPDATE generations SET status = 'failed', error = 'payment not received in time', finished_at = now(), updated_at = now()
        WHERE id IN (SELECT id FROM generations WHERE status = 'waiting_payment' AND created_at < $1 ORDER BY created_at LIMIT $2)
          AND status = 'waiting_payment'
        RETURNING id`,
      [before, limit],
    );
    return rows.map((row) => row.id);
  }
}
