import { Module } from '@nestjs/common';
import { LedgerModule } from '@genbot/ledger';
import { PaymentsModule } from '@genbot/payments';
import { UsersModule } from '@genbot/users';
import { DayReportService } from './application/day-report.service';

/** The day's figures alone, for the bot's /stats (which needs no admin sessions). */
@Module({
  imports: [UsersModule, LedgerModule, PaymentsModule],
  providers: [DayReportService],
  exports: [DayReportService],
})
export class DayReportModule {}
