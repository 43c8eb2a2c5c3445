import { Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { TelegramIdParam } from '@genbot/core';
import { GenerationsService } from '@genbot/generations';
import { DailyBonusService, DiscountOffersService, OnboardingService, ReferralsService } from '@genbot/growth';
import { LedgerService } from '@genbot/ledger';
import { PaymentsService } from '@genbot/payments';
import { User, UsersService, userBanned } from '@genbot/users';
import { Auth } from '../../auth/auth.guard';
import { ApiKeyHeaderAlias } from './api-key-alias.guard';
import { OzhivlyatorCreateUserDto, OzhivlyatorPaymentSummary, OzhivlyatorUserDto, compatTime, sourceTag } from './ozhivlyator.dto';

/**
 * Seed 003's users, for its existing bot: registration with its `ref_<chat_id>` referral codes and
 * advertising sources, and its profile view, assembled from users, the ledger, generations,
 * the daily bonus, the discount offer and YooKassa payments.
 */
@ApiTags('Compat: ozhivlyator')
@UseGuards(ApiKeyHeaderAlias)
@Controller('compat/ozhivlyator/users')
export class OzhivlyatorUsersController {
  constructor(
    private readonly onboarding: OnboardingService,
    private readonly users: UsersService,
    private readonly ledger: LedgerService,
    private readonly generations: GenerationsService,
    private readonly dailyBonus: DailyBonusService,
    private readonly discounts: DiscountOffersService,
    private readonly referrals: ReferralsService,
    private readonly payments: PaymentsService,
  ) {}

  @Post()
  @HttpCode(200)
  @Auth('service')
  @ApiHeader({ name: 'api-key', required: false, description: 'Seed 003’s name for X-API-Key' })
  @ApiOperation({ summary: 'Register a user (an existing one is returned as it is; its inviter and source never change)' })
  @ApiOkResponse({ type: OzhivlyatorUserDto })
  async create(@Body() body: OzhivlyatorCreateUserDto): Promise<OzhivlyatorUserDto> {
    const chatId = String(body.chat_id);
    const tag = body.advertising_source ? sourceTag(body.advertising_source) : '';
    const { user } = await this.onboarding.register({
      telegramId: chatId,
      username: body.username ?? undefined,
      refCode: body.referral_code ? await this.referralCodeOf(body.referral_code) : undefined,
      source: tag || undefined,
    });
    if (user.isBanned) throw userBanned();
    return this.view(user);
  }

  @Get(':chat_id')
  @Auth('service')
  @ApiHeader({ name: 'api-key', required: false, description: 'Seed 003’s name for X-API-Key' })
  @ApiOperation({ summary: 'A user by chat id, in seed 003’s fields' })
  @ApiOkResponse({ type: OzhivlyatorUserDto })
  async get(@Param('chat_id', new TelegramIdParam('chat_id')) chatId: string): Promise<OzhivlyatorUserDto> {
    return this.view(await this.users.getByTelegramId(chatId));
  }

  /** `ref_<chat_id>` names the inviter by chat id; `ref_<code>` is one of our own referral codes. */
  private async referralCodeOf(referralCode: string): Promise<string | undefined> {
    const ref = referralCode.slice(4);
    if (!/^\d+$/.test(ref)) return ref;
    return (await this.users.findByTelegramId(ref))?.referralCode ?? ref;
  }

  private async view(user: User): Promise<OzhivlyatorUserDto> {
    const [balance, generated, bonus, discountOffered, rewarded, inviter, payments] = await Promise.all([
      this.ledger.balance(user.id),
      this.generations.succeededSummary(user.id),
      this.dailyBonus.status(user.id),
      this.discounts.offered(user.id),
      this.referrals.rewardedFor(user.id),
      user.referrerId ? this.users.getById(user.referrerId) : undefined,
      this.payments.listForUser(user.id, 'yookassa'),
    ]);
    const yookassa: Record<string, OzhivlyatorPaymentSummary> = {};
    for (const p of payments)
      yookassa[p.externalId ?? p.id] = {
        status: p.status,
        amount: (p.amountMinor / 100).toFixed(2),
        currency: p.currency,
        ozhivashki: p.credits,
        created_at: compatTime(p.createdAt),
      };
    return {
      chat_id: Number(user.telegramId),
      username: user.username,
      ozhivashki: balance.available,
      generation_count: generated.count,
      last_generation_time: compatTime(generated.lastAt),
      registered_at: compatTime(user.createdAt),
      referral_code: `ref_${user.telegramId}`,
      referred_by: inviter ? Number(inviter.telegramId) : null,
      referral_bonus_claimed: rewarded,
      first_generation_time: compatTime(generated.firstAt),
      daily_bonus_claimed_today: bonus.claimedToday,
      daily_bonus_streak: bonus.streak,
      discount_offered: discountOffered,
      last_activity_time: compatTime(user.lastActivityAt ?? user.createdAt),
      advertising_source: user.advertisingSource ? `src_${user.advertisingSource}` : null,
      yookassa_payments: yookassa,
    };
  }
}
