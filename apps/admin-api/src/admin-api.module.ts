import { DynamicModule, Module } from '@nestjs/common';
import { AdminModule } from '@genbot/admin';
import { BroadcastsModule } from '@genbot/broadcasts';
import { AppConfig, CoreModule } from '@genbot/core';
import { AdminAuthService } from './auth/admin-auth.service';
import { AdminGuard } from './auth/admin.guard';
import { AdminsController } from './http/admins/admins.controller';
import { AdminBroadcastsController } from './http/broadcasts/admin-broadcasts.controller';
import { AuditController } from './http/audit/audit.controller';
import { AdminAuthController } from './http/auth/admin-auth.controller';
import { AdminCreditsController } from './http/credits/admin-credits.controller';
import { AdminUsersController } from './http/users/admin-users.controller';
import { AdminHealthController } from './http/system/admin-health.controller';

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
      ],
      providers: [AdminAuthService, AdminGuard],
    };
  }
}
