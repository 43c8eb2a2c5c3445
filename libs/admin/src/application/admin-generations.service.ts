import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DomainError } from '@genbot/core';
import { GenerationsQueue, GenerationsService } from '@genbot/generations';
import { LedgerService } from '@genbot/ledger';
import { UsersService } from '@genbot/users';
import { AuditActor } from '../domain/admin-role';
import { generationAlreadyRefunded, generationNotCharged } from '../domain/admin-ops.errors';
import { AdminGenerationRow, LIST_MAX_LIMIT } from '../domain/reports';
import { AdminReportsRepository, generationRefundKey } from '../infrastructure/admin-reports.repository';
import { AdminAudit } from './admin-audit.service';

/** Operators' view of generations (a user's, everyone's by status, the queue) and refunds of their credits. */
@Injectable()
export class AdminGenerationsService {
  constructor(
    private readonly reports: AdminReportsRepository,
    private readonly generations: GenerationsService,
    private readonly queue: GenerationsQueue,
    private readonly users: UsersService,
    private readonly ledger: LedgerService,
    private readonly audit: AdminAudit,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async ofUser(telegramId: string, offset: number, limit: number): Promise<AdminGenerationRow[]> {
    const user = await this.users.getByTelegramId(telegramId);
    return this.reports.generations({ userId: user.id }, offset, Math.min(limit, LIST_MAX_LIMIT + 1));
  }

  list(status: string | undefined, offset: number, limit: number): Promise<AdminGenerationRow[]> {
    return this.reports.generations({ status }, offset, Math.min(limit, LIST_MAX_LIMIT + 1));
  }

  /** BullMQ's job counts of the generations queue, beside the unfinished generations by status. */
  async queueCounts(): Promise<{ jobs: Record<string, number>; generations: Record<string, number> }> {
    const [jobs, generations] = await Promise.all([this.queue.counts(), this.reports.unfinishedByStatus()]);
    return { jobs, generations };
  }

  /**
   * Gives back what a generation charged (its captured hold) as one ledger transfer from the
   * refunds account, keyed by the generation: a second refund, even a concurrent one, finds the key
   * taken and is a 409, and the audit row commits with the transfer.
   */
  async refund(actor: AuditActor, generationId: string, reason: string | null): Promise<AdminGenerationRow> {
    const generation = await this.generations.get(generationId);
    if (generation.isTrial || !generation.holdId) throw generationNotCharged(generationId, generation.isTrial ? 'it was a free trial' : 'it had no hold');
    const charge = await this.ledger.resolutionOf(generation.holdId);
    if (charge?.phase !== 'post') throw generationNotCharged(generationId, charge ? 'its hold was released' : 'its hold is not captured yet');
    await this.dataSource.transaction(async (em) => {
      const { transfer, created } = await this.ledger
        .transfer(
          {
            idempotencyKey: generationRefundKey(generationId),
            from: { system: 'refunds' },
            to: { userId: generation.userId },
            amount: charge.amount,
            kind: 'refund',
            reference: `generation:${generationId}`,
            meta: { generationId, adminTelegramId: actor.telegramId, reason },
          },
          em,
        )
        // The same key with another reason or admin: the generation's one refund exists already.
        .catch((error: unknown) => {
          throw error instanceof DomainError && error.code === 'LEDGER_IDEMPOTENCY_CONFLICT' ? generationAlreadyRefunded(generationId) : error;
        });
      if (!created) throw generationAlreadyRefunded(generationId);
      await this.audit.recordBy(em, actor, {
        action: 'generation.refund',
        targetType: 'generation',
        targetId: generationId,
        before: { refundedCredits: 0 },
        after: { refundedCredits: charge.amount, transferId: transfer.id, reason },
      });
    });
    return (await this.reports.generation(generationId)) as AdminGenerationRow;
  }
}
