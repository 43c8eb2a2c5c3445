import { Module } from '@nestjs/common';
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

@Module({
  imports: [AuthModule, UsersModule, LedgerModule, TelegramModule],
  providers: [AdminsRepository, AdminAuditRepository, AdminAudit, AdminsService, AdminUsersService, AdminCreditsService],
  exports: [AdminsService, AdminAudit, AdminUsersService, AdminCreditsService, AuthModule],
})
export class AdminModule {}
