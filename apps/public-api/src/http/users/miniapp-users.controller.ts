import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AppConfig, DomainError, Principal, TelegramIdParam } from '@genbot/core';
import { OnboardingService } from '@genbot/growth';
import { PaymentSettlement } from '@genbot/payments';
import { InitData } from '@genbot/telegram';
import { UsersService } from '@genbot/users';
import { Auth, CurrentInitData, CurrentPrincipal, assertOwnTelegramId, requireCallerUser } from '../../auth/auth.guard';
import { SyncUserDto } from './dto/requests.dto';
import { ProfileDto, ReferralInfoDto } from './dto/user.dto';

/** Seed 002's Mini App endpoints: the caller is the user their initData names. */
@ApiTags('Mini App')
@Auth('miniapp')
@Controller('api/v1')
export class MiniAppUsersController {
  constructor(
    private readonly onboarding: OnboardingService,
    private readonly users: UsersService,
    private readonly config: AppConfig,
    private readonly settlement: PaymentSettlement,
  ) {}

  @Post('users/sync')
  @HttpCode(200)
  @ApiOperation({ summary: 'Create or update the calling Telegram user; returns the profile' })
  @ApiOkResponse({ type: ProfileDto })
  async sync(@CurrentInitData() initData: InitData | undefined, @Body() body: SyncUserDto): Promise<ProfileDto> {
    // A bearer caller has no initData to sync from; POST /api/v1/auth/telegram registered them already.
    if (!initData) throw new DomainError('AUTH_INIT_DATA_MISSING', 'users/sync takes the profile from initData: send X-Telegram-Init-Data');
    const { user: tg } = initData;
    const { user, created } = await this.onboarding.registerFromStart(
      {
        telegramId: String(tg.id),
        username: tg.username,
        firstName: tg.firstName,
        lastName: tg.lastName,
        languageCode: tg.languageCode,
        avatarUrl: tg.photoUrl,
      },
      initData.startParam ?? body.startParam,
    );
    return ProfileDto.from(user, created);
  }

  @Get('referrals/:telegram_id')
  @ApiOperation({ summary: 'The caller’s referral code, link and results' })
  @ApiOkResponse({ type: ReferralInfoDto })
  async referrals(@CurrentPrincipal() principal: Principal, @Param('telegram_id', new TelegramIdParam()) telegramId: string): Promise<ReferralInfoDto> {
    assertOwnTelegramId(principal, telegramId);
    const user = requireCallerUser(principal);
    const summary = await this.users.referralSummary(user);
    const botUsername = this.config.env.BOT_USERNAME;
    return {
      referralCode: summary.referralCode,
      referralLink: botUsername ? `https://t.me/${botUsername}?start=ref_${summary.referralCode}` : null,
      invitedCount: summary.invitedCount,
      ...(await this.settlement.referralStats(user.id)),
    };
  }
}
