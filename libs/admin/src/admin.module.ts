import { Module } from '@nestjs/common';
import { AuthModule } from '@genbot/auth';
import { AdminAudit } from './application/admin-audit.service';
import { AdminsService } from './application/admins.service';
import { AdminAuditRepository } from './infrastructure/admin-audit.repository';
import { AdminsRepository } from './infrastructure/admins.repository';

@Module({
  imports: [AuthModule],
  providers: [AdminsRepository, AdminAuditRepository, AdminAudit, AdminsService],
  exports: [AdminsService, AdminAudit, AuthModule],
})
export class AdminModule {}
