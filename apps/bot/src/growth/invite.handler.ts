import { Action, Command, Ctx, Update } from 'nestjs-telegraf';
import { AppConfig, DomainError, SettingsService } from '@genbot/core';
import { DailyBonusService, SubscriptionsService } from '@genbot/growth';
import { PaymentSettlement } from '@genbot/payments';
import { UsersService } from '@genbot/users';
import type { BotContext } from '../telegram/bot-context';
import type { InlineKeyboardButton } from 'telegraf/types';
import { ChannelResult, INVITE_TEXTS } from './invite.texts';

const CHECK_CHANNELS = 'growth:channels';

/**
 * /invite (the referral link and what it earned) and /bonus (claims seed 003's daily bonus, shows
 * the streak, and offers seed 001's channel bonus with a button that checks the subscription).
 */
@Update()
export class InviteHandler {
  constructor(
    private readonly users: UsersService,
    private readonly settlement: PaymentSettlement,
    private readonly settings: SettingsService,
    private readonly config: AppConfig,
    private readonly dailyBonus: DailyBonusService,
    private readonly subscriptions: SubscriptionsService,
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
    const texts = INVITE_TEXTS[lang];
    const percent = Number(await this.settings.get('referral_percent'));
    let text: string;
    try {
      const claim = await this.dailyBonus.claim(user.id);
      const { nextCredits } = await this.dailyBonus.status(user.id);
      text = texts.bonusClaimed({ granted: claim.granted, streak: claim.streak, nextCredits }, percent);
    } catch (error) {
      if (!(error instanceof DomainError && error.code === 'GROWTH_DAILY_BONUS_ALREADY_CLAIMED')) throw error;
      const status = await this.dailyBonus.status(user.id);
      const minutesLeft = Math.ceil((status.nextClaimAt.getTime() - Date.now()) / 60_000);
      text = texts.bonusWaiting({ streak: status.streak, nextCredits: status.nextCredits, minutesLeft }, percent);
    }
    const [channels, channelBonus] = await Promise.all([this.subscriptions.channels(), this.channelBonus()]);
    if (channels.length === 0 || channelBonus === 0) {
      await ctx.reply(text);
      return;
    }
    // A chat id has no public link; such a channel is only checked.
    const links: InlineKeyboardButton[][] = channels.filter((c) => c.startsWith('@')).map((c) => [{ text: `📢 ${c}`, url: `https://t.me/${c.slice(1)}` }]);
    await ctx.reply(text + texts.channelsOffer(channelBonus), {
      reply_markup: { inline_keyboard: [...links, [{ text: texts.checkChannelsButton, callback_data: CHECK_CHANNELS }]] },
    });
  }

  @Action(CHECK_CHANNELS)
  async checkChannels(@Ctx() ctx: BotContext): Promise<void> {
    await ctx.answerCbQuery();
    const { user, lang } = ctx.state;
    const [channels, channelBonus] = await Promise.all([this.subscriptions.channels(), this.channelBonus()]);
    const lines: string[] = [];
    for (const channel of channels) {
      let result: ChannelResult;
      try {
        const check = await this.subscriptions.check({ userId: user.id, channel });
        result = check.bonusGranted ? 'granted' : check.isMember ? 'already' : 'not_member';
      } catch (error) {
        if (!(error instanceof DomainError && error.code === 'GROWTH_CHANNEL_UNAVAILABLE')) throw error;
        result = 'unavailable';
      }
      lines.push(INVITE_TEXTS[lang].channelResult(channel, result, channelBonus));
    }
    if (lines.length > 0) await ctx.reply(lines.join('\n'));
  }

  private async channelBonus(): Promise<number> {
    const amount = Number(await this.settings.get('subscription_bonus_credits'));
    return Number.isInteger(amount) && amount > 0 ? amount : 0;
  }

  @Action('menu:bonus')
  async bonusButton(@Ctx() ctx: BotContext): Promise<void> {
    await ctx.answerCbQuery();
    await this.bonus(ctx);
  }
}
