import { Injectable, Logger } from '@nestjs/common';
import type { Context, MiddlewareFn } from 'telegraf';
import { TelegramError } from 'telegraf';
import { TelegramRetryAfter } from '@genbot/telegram';
import { UsersService } from '@genbot/users';

/** A call Telegram throttles is retried this many times, each after the wait Telegram named. */
const MAX_RETRIES_AFTER_429 = 3;
/** Waits longer than this hold the chat's lane too long: the update fails instead (logged by bot.catch). */
const MAX_WAIT_SECONDS = 30;

/**
 * Telegram's two expected refusals, handled once for every handler: it runs first and wraps the
 * update's Bot API client, so a 429 waits `retry_after` and repeats that one call (the messages
 * sent before it are not sent again), and a 403 (the user blocked the bot, or deleted their
 * account) ends the update quietly with the user marked blocked instead of failing it.
 */
@Injectable()
export class TelegramFailuresMiddleware {
  private readonly logger = new Logger('BotTelegramFailures');

  constructor(private readonly users: UsersService) {}

  readonly middleware: MiddlewareFn<Context> = async (ctx, next) => {
    const telegram = ctx.telegram;
    const call = telegram.callApi.bind(telegram);
    telegram.callApi = (async (method: string, payload: object, options?: object) => {
      for (let retry = 0; ; retry++) {
        try {
          return await call(method as never, payload as never, options as never);
        } catch (error) {
          const wait = error instanceof TelegramError && error.code === 429 ? (error.parameters?.retry_after ?? 1) : undefined;
          if (wait === undefined) throw error;
          if (retry >= MAX_RETRIES_AFTER_429 || wait > MAX_WAIT_SECONDS) throw new TelegramRetryAfter(wait);
          this.logger.warn({ method, retryAfter: wait, chatId: ctx.chat?.id }, 'Telegram asked to wait; repeating the call after retry_after');
          await new Promise((resolve) => setTimeout(resolve, wait * 1000));
        }
      }
    }) as typeof telegram.callApi;
    try {
      await next();
    } catch (error) {
      if (!(error instanceof TelegramError && error.code === 403)) throw error;
      // A 403 answers a send to a private chat: the chat is the user.
      const telegramId = ctx.chat?.type === 'private' ? String(ctx.chat.id) : ctx.from && !ctx.chat ? String(ctx.from.id) : undefined;
      this.logger.log({ chatId: ctx.chat?.id, updateId: ctx.update.update_id, description: error.description }, 'Telegram refused a send (403)');
      if (telegramId) await this.users.setBlocked({ telegramId }, true);
    }
  };
}
