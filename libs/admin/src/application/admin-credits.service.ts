import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { LedgerService, Transfer } from '@genbot/ledger';
import { UsersService } from '@genbot/users';
import { AuditActor } from '../domain/admin-role';
import { AdminAudit } from './admin-audit.service';

export interface CreditAdjustment {
  telegramId: string;
  /** A positive integer; `direction` says which way it moves. */
  amount: number;
  direction: 'grant' | 'deduct';
  reason: string;
  idempotencyKey: string;
}

/**
 * Credits moved by hand: one ledger transfer between the user and the adjustments account, with
 * the admin as author, and its audit row in the same transaction. A retry with the same key moves
 * nothing and writes no second row; a deduction past the user's available credits is refused by the ledger.
 */
@Injectable()
export class AdminCreditsService {
  constructor(
    private readonly users: UsersService,
    private readonly ledger: LedgerService,
    private readonly audit: AdminAudit,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async adjust(actor: AuditActor, input: CreditAdjustment): Promise<{ transfer: Transfer; created: boolean }> {
    const user = await this.users.getByTelegramId(input.telegramId);
    const userAccount = { userId: user.id };
    const system = { system: 'adjustments' as const };
    return this.dataSource.transaction(async (em) => {
      const before = await this.ledger.balance(user.id);
      const outcome = await this.ledger.transfer(
        {
          // Scoped by the admin: two admins' keys never collide, and one admin's retry is a replay.
          idempotencyKey: `admin-credits:${actor.telegramId}:${input.idempotencyKey}`,
          from: input.direction === 'grant' ? system : userAccount,
          to: input.direction === 'grant' ? userAccount : system,
          amount: input.amount,
          kind: 'admin_adjustment',
          reference: `admin:${actor.telegramId}`,
          meta: { adminTelegramId: actor.telegramId, reason: input.reason },
        },
        em,
      );
      if (outcome.created) {
        const delta = input.direction === 'grant' ? input.amount : -input.amount;
        await this.audit.recordBy(em, actor, {
          action: 'credits.transfer',
          targetType: 'user',
          targetId: input.telegramId,
          before: { balance: before.balance },
          after: { balance: before.balance + delta, amount: delta, reason: input.reason, transferId: outcome.transfer.id },
        });
      }
      return outcome;
    });
  }
}
