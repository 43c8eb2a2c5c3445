import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { StarsPaymentsService, paymentNotFound } from '@genbot/payments';
import { UsersService } from '@genbot/users';
import { AuditActor } from '../domain/admin-role';
import { paymentRefundUnsupported } from '../domain/admin-ops.errors';
import { AdminPaymentRow, DailyRevenue, LIST_MAX_LIMIT, reportSince } from '../domain/reports';
import { AdminReportsRepository } from '../infrastructure/admin-reports.repository';
import { AdminAudit } from './admin-audit.service';

/** Seed 002's global payments: the list, the daily figures, and refunds. */
@Injectable()
export class AdminPaymentsService {
  constructor(
    private readonly reports: AdminReportsRepository,
    private readonly stars: StarsPaymentsService,
    private readonly users: UsersService,
    private readonly audit: AdminAudit,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  list(status: string | undefined, offset: number, limit: number): Promise<AdminPaymentRow[]> {
    return this.reports.payments({ status }, offset, Math.min(limit, LIST_MAX_LIMIT + 1));
  }

  async ofUser(telegramId: string, offset: number, limit: number): Promise<AdminPaymentRow[]> {
    const user = await this.users.getByTelegramId(telegramId);
    return this.reports.payments({ userId: user.id }, offset, Math.min(limit, LIST_MAX_LIMIT + 1));
  }

  daily(days: number): Promise<DailyRevenue[]> {
    return this.reports.revenueDaily(reportSince(days));
  }

  /**
   * Refunds a Telegram Stars payment through StarsPaymentsService (the Stars go back and the
   * credits are taken; spent credits refuse it unless `force`). Card payments are refunded at their
   * gateway, whose notice reverses the credits; the service has no call for that, so they are a 409.
   * The refund spans a Telegram call and the ledger's own transactions, so its audit row is written
   * right after it succeeds, not inside one transaction with it.
   */
  async refund(actor: AuditActor, paymentId: string, force: boolean): Promise<AdminPaymentRow> {
    const before = await this.reports.payment(paymentId);
    if (!before) throw paymentNotFound(paymentId);
    if (before.provider !== 'telegram') throw paymentRefundUnsupported(paymentId, before.provider);
    await this.stars.refund(paymentId, { force });
    const after = (await this.reports.payment(paymentId)) as AdminPaymentRow;
    await this.dataSource.transaction((em) =>
      this.audit.recordBy(em, actor, {
        action: 'payment.refund',
        targetType: 'payment',
        targetId: paymentId,
        before: { refundStatus: before.refundStatus, refundedMinor: before.refundedMinor, refundedCredits: before.refundedCredits },
        after: { refundStatus: after.refundStatus, refundedMinor: after.refundedMinor, refundedCredits: after.refundedCredits, force },
      }),
    );
    return after;
  }
}
