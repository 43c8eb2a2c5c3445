import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminAudit } from '@genbot/admin';
import { AdminRoleRequired } from '../../auth/admin.guard';
import { AuditPageDto, AuditQueryDto } from './dto';

const DEFAULT_LIMIT = 50;

@ApiTags('Audit')
@Controller('api/v1/admin/audit')
export class AuditController {
  constructor(private readonly audit: AdminAudit) {}

  @Get()
  @AdminRoleRequired('admin')
  @ApiOperation({ summary: 'The audit log, newest first, filtered by actor, target and action' })
  @ApiOkResponse({ type: AuditPageDto })
  async list(@Query() query: AuditQueryDto): Promise<AuditPageDto> {
    const limit = query.limit ?? DEFAULT_LIMIT;
    const [targetType, targetId] = query.target?.split(':') ?? [];
    const rows = await this.audit.list({ actor: query.actor, targetType, targetId, action: query.action, before: query.cursor, limit });
    return {
      items: rows.map((row) => ({ ...row, createdAt: row.createdAt.toISOString() })),
      nextCursor: rows.length === limit ? rows[rows.length - 1].id : null,
    };
  }
}
