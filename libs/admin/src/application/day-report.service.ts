import { Injectable } from '@nestjs/common';
import { LedgerService } from '@genbot/ledger';
import { PaymentsService } from '@genbot/payments';
import { UsersService } from '@genbot/users';
import type { DayReport } from '../domain/day-report';

/** One day's figures, assembled once for the bot's /stats and the daily report. */
@Injectable()
export class DayReportService {
  constructor(
    private readonly users: UsersService,
    private readonly ledger: LedgerService,
    private readonly payments: PaymentsService,
  ) {}

  async figures(day: string): Promise<DayReport> {
    const [counts, spent, payments] = await Promise.all([this.users.dayCounts(day), this.ledger.spentOn(day), this.payments.succeededOn(day)]);
    return { day, ...counts, creditsSpent: spent.credits, generations: spent.charges, payments };
  }
}
