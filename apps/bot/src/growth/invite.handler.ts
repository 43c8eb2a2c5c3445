import { Action, Command, Ctx, Update } from 'nestjs-telegraf';
import { AppConfig, DomainError, SettingsService } from '@genbot/core';
import { DailyBonusService } from '@genbot/growth';
import { PaymentSettlement } from '@genbot/payments';
import { UsersService } from '@genbot/users';
import type { BotContext } from '../telegram/bot-context';
import { INVITE_TEXTS } from './invite.texts';

/** /invite (the referral link and what it earned) and /bonus (claims seed 003's daily bonus and shows the streak). */
@Update()
export class InviteHandler {
  constructor(
    private readonly users: UsersService,
    private readonly settlement: PaymentSettlement,
    private readonly settings: SettingsService,
    private readonly config: AppConfig,
    private readonly dailyBonus: DailyBonusService,
  ) {}

  @Command('invite')
  async invite(@Ctx() ctx: BotContext): Promise<void> {
    const { user, lang } = ctx.state;
    const [summary, money, percent] = await Promise.all([
      this.users.referralSummary(user),
      this.settlement.referralStats(user.id),
      this.settings.get('referral_percent'),
    ]);
    const bot = this.config.env.BOT_USERNAME ?? ctx.botInfo.username;
    // The same `ref_<code>` payload /start decodes when the invitee arrives (users' parseStartPayload).
    const link = `https://t.me/${bot}?start=ref_${summary.referralCode}`;
    const stats = { invited: summary.invitedCount, paid: money.paidCount, earned: money.earnedCredits };
    await ctx.reply(INVITE_TEXTS[lang].invite(link, Number(percent), stats), { link_preview_options: { is_disabled: true } });
  }

  @Action('menu:invite')
  async inviteButton(@Ctx() ctx: BotContext): Promise<void> {
    await ctx.answerCbQuery();
    await this.invite(ctx);
  }

  @Command('bonus')
  async bonus(@Ctx() ctx: BotContext): Promise<void> {
    const { user, lang } = ctx.state;
    const percent = Number(await this.settings.get('referral_percent'));
    try {
      const claim = await this.dailyBonus.claim(user.id);
      const { nextCredits } = await this.dailyBonus.status(user.id);
      await ctx.reply(INVITE_TEXTS[lang].bonusClaimed({ granted: claim.granted, streak: claim.streak, nextCredits }, percent));
    } catch (error) {
      if (!(error instanceof DomainError && error.code === 'GROWTH_DAILY_BONUS_ALREADY_CLAIMED')) throw error;
      const status = await this.dailyBonus.status(user.id);
      const minutesLeft = Math.ceil((status.nextClaimAt.getTime() - Date.now()) / 60_000);
      await ctx.reply(INVITE_TEXTS[lang].bonusWaiting({ streak: status.streak, nextCredits: status.nextCredits, minutesLeft }, percent));
    }
  }

  @Action('menu:bonus')
  async bonusButton(@Ctx() ctx: BotContext): Promise<void> {
    await ctx.answerCbQuery();
    await this.bonus(ctx);
  }
}
