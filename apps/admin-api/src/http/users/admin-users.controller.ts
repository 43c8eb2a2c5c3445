import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminUsersService } from '@genbot/admin';
import { TelegramIdParam } from '@genbot/core';
import { AdminRoleRequired, CurrentAdmin, CurrentAdminContext } from '../../auth/admin.guard';
import { AdminUserDetailsDto, AdminUserDto, AdminUserPageDto, BanDto, UserSearchQueryDto } from './dto';

const DEFAULT_LIMIT = 50;

/** Seed 002's user management; support and up may read and ban. */
@ApiTags('Users')
@Controller('api/v1/admin/users')
@AdminRoleRequired('support')
export class AdminUsersController {
  constructor(private readonly users: AdminUsersService) {}

  @Get()
  @ApiOperation({ summary: 'Search users by Telegram id, referral code or username' })
  @ApiOkResponse({ type: AdminUserPageDto })
  async search(@Query() query: UserSearchQueryDto): Promise<AdminUserPageDto> {
    const offset = query.offset ?? 0;
    const limit = query.limit ?? DEFAULT_LIMIT;
    // One row past the page says whether another follows, without counting the table.
    const users = await this.users.search(query.query, offset, limit + 1);
    return { items: users.slice(0, limit).map(AdminUserDto.from), offset, limit, hasMore: users.length > limit };
  }

  @Get(':telegram_id')
  @ApiOperation({ summary: "A user's profile, credits, referrals, source, activity and ban state" })
  @ApiOkResponse({ type: AdminUserDetailsDto })
  async details(@Param('telegram_id', new TelegramIdParam()) telegramId: string): Promise<AdminUserDetailsDto> {
    const { user, balance, reserved, available, invitedCount } = await this.users.details(telegramId);
    return { ...AdminUserDto.from(user), balance, reserved, available, referrals: invitedCount, referrerId: user.referrerId };
  }

  @Post(':telegram_id/ban')
  @HttpCode(200)
  @ApiOperation({ summary: 'Ban a user (refused by the bot and the APIs from their next request); they are told why, in their language' })
  @ApiOkResponse({ type: AdminUserDto })
  async ban(
    @CurrentAdmin() actor: CurrentAdminContext,
    @Param('telegram_id', new TelegramIdParam()) telegramId: string,
    @Body() body: BanDto,
  ): Promise<AdminUserDto> {
    return AdminUserDto.from(await this.users.setBanned(actor, telegramId, true, body.reason ?? null));
  }

  @Post(':telegram_id/unban')
  @HttpCode(200)
  @ApiOperation({ summary: 'Lift a ban; the user is told in their language' })
  @ApiOkResponse({ type: AdminUserDto })
  async unban(@CurrentAdmin() actor: CurrentAdminContext, @Param('telegram_id', new TelegramIdParam()) telegramId: string): Promise<AdminUserDto> {
    return AdminUserDto.from(await this.users.setBanned(actor, telegramId, false, null));
  }
}
