import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { QUEUES, SettingDefaultsRegistry } from '@genbot/core';
import { AuthModule } from '@genbot/auth';
import { GenerationsModule } from '@genbot/generations';
import { GrowthModule } from '@genbot/growth';
import { LedgerModule } from '@genbot/ledger';
import { PaymentsModule } from '@genbot/payments';
import { TelegramModule } from '@genbot/telegram';
import { UsersModule } from '@genbot/users';
import { AdminAudit } from './application/admin-audit.service';
import { AdminCreditsService } from './application/admin-credits.service';
import { AdminGrowthService } from './application/admin-growth.service';
import { AdminUsersService } from './application/admin-users.service';
import { AdminGenerationsService } from './application/admin-generations.service';
import { AdminModelsService } from './application/admin-models.service';
import { AdminPaymentsService } from './application/admin-payments.service';
import { AdminReportsService } from './application/admin-reports.service';
import { AdminSettingsService } from './application/admin-settings.service';
import { AdminReportsRepository } from './infrastructure/admin-reports.repository';
import { AdminsService } from './application/admins.service';
import { AdminAuditRepository } from './infrastructure/admin-audit.repository';
import { AdminsRepository } from './infrastructure/admins.repository';
import { DayReportModule } from './day-report.module';
import { ADMIN_SETTING_DEFAULTS } from './domain/day-report';
import { DailyReportProcessor, DailyReportScheduler } from './jobs/daily-report.processor';

/** Seed 002's dashboards, generations, models, payments and settings. */
const OPERATIONS = [
  AdminReportsRepository,
  AdminReportsService,
  AdminGenerationsService,
  AdminModelsService,
  AdminPaymentsService,
  AdminSettingsService,
  AdminGrowthService,
];

@Module({
  imports: [AuthModule, UsersModule, LedgerModule, TelegramModule, GenerationsModule, PaymentsModule, GrowthModule],
  providers: [AdminsRepository, AdminAuditRepository, AdminAudit, AdminsService, AdminUsersService, AdminCreditsService, ...OPERATIONS],
  exports: [AdminsService, AdminAudit, AdminUsersService, AdminCreditsService, AuthModule, ...OPERATIONS],
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
