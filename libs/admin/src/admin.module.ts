import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { QUEUES, SettingDefaultsRegistry } from '@genbot/core';
import { AuthModule } from '@genbot/auth';
import { LedgerModule } from '@genbot/ledger';
import { TelegramModule } from '@genbot/telegram';
import { UsersModule } from '@genbot/users';
import { AdminAudit } from './application/admin-audit.service';
import { AdminCreditsService } from './application/admin-credits.service';
import { AdminUsersService } from './application/admin-users.service';
import { AdminsService } from './application/admins.service';
import { AdminAuditRepository } from './infrastructure/admin-audit.repository';
import { AdminsRepository } from './infrastructure/admins.repository';
import { DayReportModule } from './day-report.module';
import { ADMIN_SETTING_DEFAULTS } from './domain/day-report';
import { DailyReportProcessor, DailyReportScheduler } from './jobs/daily-report.processor';

@Module({
  imports: [AuthModule, UsersModule, LedgerModule, TelegramModule],
  providers: [AdminsRepository, AdminAuditRepository, AdminAudit, AdminsService, AdminUsersService, AdminCreditsService],
  exports: [AdminsService, AdminAudit, AdminUsersService, AdminCreditsService, AuthModule],
})
export class AdminModule {
  constructor(settings: SettingDefaultsRegistry) {
    settings.add(ADMIN_SETTING_DEFAULTS);
  }
}

/** The daily report to every admin; imported only by the worker (and the all-in-one process). */
@Module({
  imports: [AdminModule, DayReportModule, TelegramModule, UsersModule, BullModule.registerQueue({ name: QUEUES.admin })],
  providers: [DailyReportProcessor, DailyReportScheduler],
})
export class AdminJobsModule {}
