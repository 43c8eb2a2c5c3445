import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectBot } from 'nestjs-telegraf';
import { Telegraf } from 'telegraf';
import { AppConfig } from '@genbot/core';
import { CATALOGS, Lang } from '@genbot/telegram';
import type { BotContext } from './bot-context';

export const ALLOWED_UPDATES = ['message', 'callback_query', 'pre_checkout_query', 'my_chat_member'] as const;

/**
 * Starts the bot the configured way: in webhook mode it registers the webhook (with its secret)
 * when a public URL is configured; in polling mode it launches long polling. Either way it
 * publishes the command list in each language.
 */
@Injectable()
export class BotLifecycleService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Bot');

  constructor(
    @InjectBot() private readonly bot: Telegraf<BotContext>,
    private readonly config: AppConfig,
  ) {
    // nestjs-telegraf stops the bot on shutdown even when it never launched it (webhook mode),
    // and telegraf throws "Bot is not running!" there, which would skip later shutdown hooks.
    const stop = bot.stop.bind(bot);
    bot.stop = (reason?: string) => {
      try {
        stop(reason);
      } catch (error) {
        if (!(error instanceof Error && error.message === 'Bot is not running!')) throw error;
      }
    };
    bot.catch(async (error, ctx) => {
      this.logger.error({ err: error, updateId: ctx.update.update_id }, 'update handler failed');
      const t = (ctx as BotContext).state?.t;
      if (t && ctx.chat) await ctx.reply(t.somethingWentWrong).catch(() => undefined);
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.publishCommands().catch((error: unknown) => this.logger.warn({ err: error }, 'setMyCommands failed'));
    if (this.config.botMode === 'polling') {
      this.logger.log('BOT_MODE=polling: taking updates by long polling');
      this.bot.launch({ allowedUpdates: [...ALLOWED_UPDATES], dropPendingUpdates: false }).catch((error: unknown) => this.logger.error({ err: error }, 'polling stopped'));
      return;
    }
    const url = this.config.env.BOT_WEBHOOK_URL;
    if (!url) {
      this.logger.warn('BOT_MODE=webhook without BOT_WEBHOOK_URL: not registering a webhook; POST updates to /telegram/webhook');
      return;
    }
    await this.bot.telegram.setWebhook(url, {
      secret_token: this.config.env.TELEGRAM_WEBHOOK_SECRET,
      allowed_updates: [...ALLOWED_UPDATES],
      drop_pending_updates: false,
    });
    this.logger.log(`webhook registered at ${new URL(url).origin}${new URL(url).pathname}`);
  }

  private async publishCommands(): Promise<void> {
    for (const [lang, t] of Object.entries(CATALOGS) as [Lang, (typeof CATALOGS)[Lang]][]) {
      const commands = Object.entries(t.commands).map(([command, description]) => ({ command, description }));
      await this.bot.telegram.setMyCommands(commands, { language_code: lang });
      if (lang === 'en') await this.bot.telegram.setMyCommands(commands);
    }
  }
}
