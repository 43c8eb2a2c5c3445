import { Action, Command, Ctx, Update } from 'nestjs-telegraf';
import { AppConfig, SettingsService } from '@genbot/core';
import { PaymentSettlement } from '@genbot/payments';
import { UsersService } from '@genbot/users';
import type { BotContext } from '../telegram/bot-context';
import { INVITE_TEXTS } from './invite.texts';

/** /invite (the referral link and what it earned) and /bonus (the bonuses on offer today). */
@Update()
export class InviteHandler {
  constructor(
    private readonly users: UsersService,
    private readonly settlement: PaymentSettlement,
    private readonly settings: SettingsService,
    private readonly config: AppConfig,
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
    const [welcome, percent] = await Promise.all([this.settings.get('welcome_bonus_credits'), this.settings.get('referral_percent')]);
    await ctx.reply(INVITE_TEXTS[ctx.state.lang].bonus(Number(welcome) || 0, Number(percent)));
  }

  @Action('menu:bonus')
  async bonusButton(@Ctx() ctx: BotContext): Promise<void> {
    await ctx.answerCbQuery();
    await this.bonus(ctx);
  }
}
