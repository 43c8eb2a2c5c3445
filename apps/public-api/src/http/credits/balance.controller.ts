import { Controller, Get, Param } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { Principal, TelegramIdParam, UuidParam } from '@genbot/core';
import { LedgerService } from '@genbot/ledger';
import { UsersService } from '@genbot/users';
import { Auth, CurrentPrincipal, assertOwnTelegramId, requireCallerUser } from '../../auth/auth.guard';
import { MiniAppBalanceDto, ServiceBalanceDto } from './dto/credits.dto';

/**
 * One path, two readers: seed 001's service clients address users by UUID and get
 * `balanceTokens`; seed 002's Mini App addresses itself by Telegram id and gets `balance`.
 */
@ApiTags('Credits')
@ApiExtraModels(ServiceBalanceDto, MiniAppBalanceDto)
@Auth('service', 'miniapp')
@Controller('api/v1/users')
export class BalanceController {
  constructor(
    private readonly ledger: LedgerService,
    private readonly users: UsersService,
  ) {}

  @Get(':id/balance')
  @ApiOperation({ operationId: 'usersGetBalance', summary: 'Balance: {id} is the user UUID (X-API-Key) or the caller’s Telegram id (initData)' })
  @ApiOkResponse({ schema: { oneOf: [{ $ref: getSchemaPath(ServiceBalanceDto) }, { $ref: getSchemaPath(MiniAppBalanceDto) }] } })
  async balance(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<ServiceBalanceDto | MiniAppBalanceDto> {
    if (principal.kind === 'service') {
      const user = await this.users.getById(new UuidParam('userId').transform(id));
      const { balance, available, reserved } = await this.ledger.balance(user.id);
      return { balanceTokens: balance, available, reserved };
    }
    assertOwnTelegramId(principal, new TelegramIdParam().transform(id));
    // The guard loaded the caller (cached); the balance is cached too: no query on a warm read.
    return this.ledger.balanceCached(requireCallerUser(principal).id);
  }
}
