import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminCreditsService, AdminUsersService } from '@genbot/admin';
import { AdminRoleRequired, CurrentAdmin, CurrentAdminContext } from '../../auth/admin.guard';
import { AdjustCreditsDto, CreditsTransferDto } from './dto';

@ApiTags('Credits')
@Controller('api/v1/admin/credits')
export class AdminCreditsController {
  constructor(
    private readonly credits: AdminCreditsService,
    private readonly users: AdminUsersService,
  ) {}

  @Post()
  @HttpCode(200)
  @AdminRoleRequired('admin')
  @ApiOperation({ summary: "Grant or deduct a user's credits: one ledger transfer with the admin as author, audited with it" })
  @ApiOkResponse({ type: CreditsTransferDto })
  async adjust(@CurrentAdmin() actor: CurrentAdminContext, @Body() body: AdjustCreditsDto): Promise<CreditsTransferDto> {
    const telegramId = String(body.telegramId);
    const direction = body.direction ?? 'grant';
    const { transfer, created } = await this.credits.adjust(actor, {
      telegramId,
      amount: body.amount,
      direction,
      reason: body.reason,
      idempotencyKey: body.idempotencyKey,
    });
    const { balance, available } = await this.users.details(telegramId);
    return { transferId: transfer.id, telegramId, amount: direction === 'grant' ? transfer.amount : -transfer.amount, created, balance, available };
  }
}
