import { Logger } from '@nestjs/common';
import { Command, Ctx, Update } from 'nestjs-telegraf';
import { TelegramError } from 'telegraf';
import { AppConfig, DomainError } from '@genbot/core';
import { LedgerService } from '@genbot/ledger';
import { PaymentSettlement, PaymentsService } from '@genbot/payments';
import { User, UsersService, preferredLanguage } from '@genbot/users';
import { MainMenu } from '../menu/main-menu';
import type { BotContext } from '../telegram/bot-context';
import { AdminRateLimit } from './admin-rate-limit';
import { ADMIN_TEXTS, AdminTexts } from './admin.texts';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const TELEGRAM_ID = /^\d{1,19}$/;
const USERNAME = /^@?\w{3,64}$/;

/**
 * Seed 000's admin commands in the chat, for ADMIN_TELEGRAM_IDS only: /stats, /user, /credit.
 * Anyone else gets the hint an unknown command gets, so the commands stay unadvertised.
 */
@Update()
export class AdminHandler {
  private readonly logger = new Logger('BotAdmin');
  private readonly admins: ReadonlySet<string>;

  constructor(
    private readonly users: UsersService,
    private readonly ledger: LedgerService,
    private readonly payments: PaymentsService,
    private readonly settlement: PaymentSettlement,
    private readonly rateLimit: AdminRateLimit,
    private readonly menu: MainMenu,
    config: AppConfig,
  ) {
    this.admins = new Set(config.env.ADMIN_TELEGRAM_IDS ?? []);
  }

  @Command('stats')
  async stats(@Ctx() ctx: BotContext): Promise<void> {
    const admin = await this.admit(ctx);
    if (!admin) return;
    const [arg, extra] = admin.args;
    const day = arg ?? new Date().toISOString().slice(0, 10);
    if (extra !== undefined || !DAY.test(day) || Number.isNaN(Date.parse(day))) return void (await ctx.reply(admin.t.usageStats));
    const [counts, spent, payments] = await Promise.all([this.users.dayCounts(day), this.ledger.spentOn(day), this.payments.succeededOn(day)]);
    await ctx.reply(admin.t.report({ day, ...counts, creditsSpent: spent.credits, generations: spent.charges, payments }));
  }

  @Command('user')
  async user(@Ctx() ctx: BotContext): Promise<void> {
    const admin = await this.admit(ctx);
    if (!admin) return;
    const [ref, extra] = admin.args;
    if (!ref || extra !== undefined || !(TELEGRAM_ID.test(ref) || USERNAME.test(ref))) return void (await ctx.reply(admin.t.usageUser));
    const user = TELEGRAM_ID.test(ref) ? await this.users.findByTelegramId(ref) : await this.users.findByUsername(ref);
    if (!user) return void (await ctx.reply(admin.t.userNotFound(ref)));
    const [{ balance, reserved }, referrals, money] = await Promise.all([
      this.ledger.balance(user.id),
      this.users.referralSummary(user),
      this.settlement.referralStats(user.id),
    ]);
    await ctx.reply(
      admin.t.profile({
        telegramId: user.telegramId,
        username: user.username,
        name: [user.firstName, user.lastName].filter(Boolean).join(' ') || '—',
        language: user.language ?? user.languageCode ?? '—',
        registered: user.createdAt.toISOString().slice(0, 16).replace('T', ' '),
        balance,
        reserved,
        banned: user.isBanned,
        banReason: user.banReason,
        blocked: user.blockedAt !== null,
        invited: referrals.invitedCount,
        invitedPaid: money.paidCount,
        referralEarned: money.earnedCredits,
      }),
    );
  }

  /** Keyed by the command's message, so Telegram redelivering it (or a retried update) credits once. */
  @Command('credit')
  async credit(@Ctx() ctx: BotContext): Promise<void> {
    const admin = await this.admit(ctx);
    if (!admin) return;
    const [ref, amountArg, ...reasonWords] = admin.args;
    const amount = Number(amountArg);
    const reason = reasonWords.join(' ');
    if (!ref || !TELEGRAM_ID.test(ref) || !/^\d+$/.test(amountArg ?? '') || !Number.isSafeInteger(amount) || amount <= 0 || !reason)
      return void (await ctx.reply(admin.t.usageCredit));
    const target = await this.users.findByTelegramId(ref);
    if (!target) return void (await ctx.reply(admin.t.userNotFound(ref)));
    let created: boolean;
    try {
      ({ created } = await this.ledger.transfer({
        idempotencyKey: `admin-credit:${ctx.chat!.id}:${ctx.message!.message_id}`,
        from: { system: 'adjustments' },
        to: { userId: target.id },
        amount,
        kind: 'admin_adjustment',
        meta: { adminTelegramId: String(ctx.from!.id), reason, via: 'bot' },
      }));
    } catch (error) {
      // The ledger's own limits (LEDGER_MAX_TRANSFER_CREDITS) say what is wrong better than a usage line.
      if (error instanceof DomainError) return void (await ctx.reply(`${admin.t.usageCredit}\n${error.message}`));
      throw error;
    }
    if (!created) return void (await ctx.reply(admin.t.alreadyCredited));
    this.logger.log({ admin: ctx.from!.id, user: target.id, amount, reason }, 'admin credited a user');
    const { balance } = await this.ledger.balance(target.id);
    await ctx.reply(admin.t.credited(amount, target.telegramId, balance));
    if (!(await this.notify(ctx, target, amount, balance))) await ctx.reply(admin.t.notNotified);
  }

  /** Tells the user about the credit in their language; false when they have blocked the bot. */
  private async notify(ctx: BotContext, target: User, amount: number, balance: number): Promise<boolean> {
    const text = ADMIN_TEXTS[preferredLanguage(target, target.languageCode)].youWereCredited(amount, balance);
    try {
      await ctx.telegram.sendMessage(target.telegramId, text);
      return true;
    } catch (error) {
      // A 403 here is the credited user's, not the admin's: the central handler would mark the wrong chat.
      if (!(error instanceof TelegramError && error.code === 403)) throw error;
      await this.users.setBlocked({ id: target.id }, true);
      return false;
    }
  }

  /** The admin's texts and the command's arguments, or undefined when the sender is no admin or is rate limited (both answered). */
  private async admit(ctx: BotContext): Promise<{ t: AdminTexts; args: string[] } | undefined> {
    const from = String(ctx.from?.id ?? '');
    if (!this.admins.has(from)) {
      if (ctx.chat?.type === 'private') await this.menu.send(ctx, ctx.state.t.unknownInput);
      return undefined;
    }
    const t = ADMIN_TEXTS[ctx.state.lang];
    const blockedSeconds = await this.rateLimit.take(from);
    if (blockedSeconds > 0) {
      await ctx.reply(t.rateLimited(blockedSeconds));
      return undefined;
    }
    const text = ctx.message && 'text' in ctx.message ? ctx.message.text : '';
    return { t, args: text.trim().split(/\s+/).slice(1) };
  }
}
