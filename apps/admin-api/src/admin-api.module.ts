import { DynamicModule, Module } from '@nestjs/common';
import { AdminModule } from '@genbot/admin';
import { BroadcastsModule } from '@genbot/broadcasts';
import { AppConfig, CoreModule } from '@genbot/core';
import { AdminAuthService } from './auth/admin-auth.service';
import { AdminGuard } from './auth/admin.guard';
import { AdminsController } from './http/admins/admins.controller';
import { AudienceController } from './http/broadcasts/audience.controller';
import { AdminBroadcastsController } from './http/broadcasts/admin-broadcasts.controller';
import { AuditController } from './http/audit/audit.controller';
import { AdminAuthController } from './http/auth/admin-auth.controller';
import { AdminCreditsController } from './http/credits/admin-credits.controller';
import { AdminUsersController } from './http/users/admin-users.controller';
import { AdminHealthController } from './http/system/admin-health.controller';
import { AdminGenerationsController } from './http/generations/admin-generations.controller';
import { AdminLotteriesController } from './http/growth/admin-lotteries.controller';
import { AdminSourcesController } from './http/growth/admin-sources.controller';
import { AdminUserActivityController } from './http/generations/admin-user-activity.controller';
import { AdminModelsController } from './http/models/admin-models.controller';
import { AdminPaymentsController } from './http/payments/admin-payments.controller';
import { AdminSettingsController } from './http/settings/admin-settings.controller';
import { AdminStatsController } from './http/stats/admin-stats.controller';

/** Seed 002's dashboards, generations, models, payments and settings. */
const OPERATIONS = [
  AdminStatsController,
  AdminUserActivityController,
  AdminGenerationsController,
  AdminModelsController,
  AdminPaymentsController,
  AdminSettingsController,
  // Lotteries and ad-source figures.
  AdminLotteriesController,
  AdminSourcesController,
];

@Module({})
export class AdminApiModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: AdminApiModule,
      imports: [CoreModule.forRoot(config, 'admin-api'), AdminModule, BroadcastsModule],
      controllers: [
        AdminHealthController,
        AdminAuthController,
        AdminsController,
        AuditController,
        AdminUsersController,
        AdminCreditsController,
        AdminBroadcastsController,
        AudienceController,
        ...OPERATIONS,
      ],
      providers: [AdminAuthService, AdminGuard],
    };
  }
}
