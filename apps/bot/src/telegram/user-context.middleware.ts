import { Injectable, Logger } from '@nestjs/common';
import type { Context, MiddlewareFn } from 'telegraf';
import { texts } from '@genbot/telegram';
import { OnboardingService } from '@genbot/growth';
import { UsersService, preferredLanguage } from '@genbot/users';
import type { BotContext } from './bot-context';

const START = /^\/start(?:@\w+)?(?:\s+(\S+))?\s*$/;

/**
 * Runs before every handler: registers or refreshes the sender (applying a `/start` payload only
 * when this update creates them), records the day's activity, picks the language, and stops a
 * banned user with one short message.
 */
@Injectable()
export class UserContextMiddleware {
  private readonly logger = new Logger(UserContextMiddleware.name);

  constructor(
    private readonly onboarding: OnboardingService,
    private readonly users: UsersService,
  ) {}

  readonly middleware: MiddlewareFn<Context> = async (ctx, next) => {
    const from = ctx.from;
    if (!from || from.is_bot) return; // channel posts and other bots: nothing for us to do
    const text = ctx.message && 'text' in ctx.message ? ctx.message.text : undefined;
    const payload = text ? START.exec(text)?.[1] : undefined;
    const { user, created } = await this.onboarding.registerFromStart(
      { telegramId: String(from.id), username: from.username, firstName: from.first_name, lastName: from.last_name, languageCode: from.language_code },
      payload,
    );
    await this.users.recordActivity(user.id).catch((error: unknown) => this.logger.warn({ err: error }, 'activity not recorded'));
    const lang = preferredLanguage(user, from.language_code);
    const t = texts(lang);
    // A payment Telegram already took is still settled for a user banned since its pre-checkout.
    const paid = ctx.message !== undefined && 'successful_payment' in ctx.message;
    if (user.isBanned && !paid) {
      if (ctx.callbackQuery) await ctx.answerCbQuery(t.banned, { show_alert: true });
      // Telegram waits for an answer to every pre-checkout; silence would leave the buyer hanging.
      else if (ctx.preCheckoutQuery) await ctx.answerPreCheckoutQuery(false, t.banned);
      else if (ctx.chat?.type === 'private') await ctx.reply(t.banned);
      return;
    }
    Object.assign((ctx as BotContext).state, { user, created, lang, t });
    await next();
  };
}
