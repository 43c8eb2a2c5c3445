import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectBot } from 'nestjs-telegraf';
import { Telegraf } from 'telegraf';
import type { Update } from 'telegraf/types';
import { AppConfig } from '@genbot/core';
import { CATALOGS, TelegramRetryAfter } from '@genbot/telegram';
import type { Language } from '@genbot/users';
import type { BotContext } from './bot-context';
import { lowerHandlerPriority } from '../updates/handler-priority';
import { UpdatesQueue } from '../updates/updates.queue';
import { BotIdentity, backoffMs } from './bot-identity';

export const ALLOWED_UPDATES = ['message', 'callback_query', 'pre_checkout_query', 'my_chat_member'] as const;

/** How long an update that arrives before the bot knows its identity may wait for it. */
const UPDATE_WAITS_FOR_IDENTITY_MS = 3_000;
/** Boot waits this long for the webhook and the command list, then leaves them to the background. */
const BOOT_WAITS_FOR_TELEGRAM_MS = 5_000;
/** A polling run that lasted this long was healthy: the next failure starts the backoff over. */
const HEALTHY_RUN_MS = 60_000;

/**
 * Starts the bot the configured way: in webhook mode it registers the webhook (with its secret)
 * when a public URL is configured; in polling mode it launches long polling. Either way it
 * publishes the command list in each language (a process with BOT_ROLE=handle does none of
 * that). Telegram being unreachable never stops the app nor the bot for good: identity, webhook
 * registration and polling are retried with backoff in the background, and the app serves from
 * the start.
 */
@Injectable()
export class BotLifecycleService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Bot');
  private readonly identity: BotIdentity;
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private stopping = false;
  private readonly handleNow: Telegraf<BotContext>['handleUpdate'];

  constructor(
    @InjectBot() private readonly bot: Telegraf<BotContext>,
    private readonly config: AppConfig,
    queue: UpdatesQueue,
  ) {
    this.identity = new BotIdentity(bot);
    // nestjs-telegraf stops the bot on shutdown even when it never launched it (webhook mode),
    // and telegraf throws "Bot is not running!" there, which would skip later shutdown hooks.
    // A stop also ends our retries, or a stopped polling would be relaunched.
    const stop = bot.stop.bind(bot);
    bot.stop = (reason?: string) => {
      this.halt();
      try {
        stop(reason);
      } catch (error) {
        if (!(error instanceof Error && error.message === 'Bot is not running!')) throw error;
      }
    };
    this.handleNow = bot.handleUpdate.bind(bot);
    // Long polling hands each update to bot.handleUpdate and confirms the batch (the next
    // offset) once those calls resolve: queueing there makes polling feed the same durable queue
    // as the webhook, and an update is confirmed to Telegram only once it is in Redis.
    bot.handleUpdate = async (update: Update) => void (await queue.enqueue(update));
    bot.catch(async (error, ctx) => {
      this.logger.error({ err: error, updateId: ctx.update.update_id }, 'update handler failed');
      const t = (ctx as BotContext).state?.t;
      // Telegram asked for a longer pause than a lane may wait: another send now would be refused too.
      if (error instanceof TelegramRetryAfter) return;
      if (t && ctx.chat) await ctx.reply(t.somethingWentWrong).catch(() => undefined);
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.env.BOT_ROLE === 'handle') {
      // Taking updates (and telling Telegram where to send them) is the ingesting process's job.
      this.logger.log(lowerHandlerPriority());
      this.identity.start();
      return;
    }
    if (this.config.botMode === 'polling') {
      this.logger.log('BOT_MODE=polling: taking updates by long polling');
      // launch() fetches the identity itself; a failure there is retried with the launch.
      this.poll(0);
    } else {
      this.identity.start();
      await atMost(BOOT_WAITS_FOR_TELEGRAM_MS, this.registerWebhook(0));
    }
    await atMost(
      BOOT_WAITS_FOR_TELEGRAM_MS,
      this.publishCommands().catch((error: unknown) => this.logger.warn({ err: error }, 'setMyCommands failed')),
    );
  }

  /**
   * Runs the handlers on one update (UpdatesProcessor calls this). telegraf would fetch a missing
   * identity itself and cache a failure forever; here a 503 DomainError says to try again later.
   */
  async handle(update: Update): Promise<void> {
    await this.identity.ensure(UPDATE_WAITS_FOR_IDENTITY_MS);
    await this.handleNow(update);
  }

  onApplicationShutdown(): void {
    this.halt();
  }

  private halt(): void {
    this.stopping = true;
    this.identity.stop();
    for (const timer of this.retryTimers) clearTimeout(timer);
    this.retryTimers.clear();
  }

  /** Long polling until the app stops: a failed launch or a polling run that ends is relaunched. */
  private poll(failures: number): void {
    if (this.stopping) return;
    const startedAt = Date.now();
    this.bot.launch({ allowedUpdates: [...ALLOWED_UPDATES], dropPendingUpdates: false }).then(
      () => this.pollingEnded(failures, startedAt, undefined),
      (error: unknown) => this.pollingEnded(failures, startedAt, error),
    );
  }

  private pollingEnded(failures: number, startedAt: number, error: unknown): void {
    if (this.stopping) return;
    const attempt = Date.now() - startedAt > HEALTHY_RUN_MS ? 0 : failures;
    const delayMs = backoffMs(attempt);
    this.logger.error({ err: error }, `polling ${error ? 'failed' : 'ended'}: relaunching in ${delayMs} ms`);
    this.later(delayMs, () => this.poll(attempt + 1));
  }

  /** Resolves after this attempt (a failure schedules the next one, it never rejects). */
  private registerWebhook(failures: number): Promise<void> {
    const url = this.config.env.BOT_WEBHOOK_URL;
    if (!url) {
      this.logger.warn('BOT_MODE=webhook without BOT_WEBHOOK_URL: not registering a webhook; POST updates to /telegram/webhook');
      return Promise.resolve();
    }
    return this.bot.telegram
      .setWebhook(url, { secret_token: this.config.env.TELEGRAM_WEBHOOK_SECRET, allowed_updates: [...ALLOWED_UPDATES], drop_pending_updates: false })
      .then(
        () => this.logger.log(`webhook registered at ${new URL(url).origin}${new URL(url).pathname}`),
        (error: unknown) => {
          if (this.stopping) return;
          const delayMs = backoffMs(failures);
          this.logger.error({ err: error }, `setWebhook failed: retrying in ${delayMs} ms`);
          this.later(delayMs, () => void this.registerWebhook(failures + 1));
        },
      );
  }

  private later(delayMs: number, task: () => void): void {
    const timer = setTimeout(() => {
      this.retryTimers.delete(timer);
      task();
    }, delayMs).unref();
    this.retryTimers.add(timer);
  }

  private async publishCommands(): Promise<void> {
    for (const [lang, t] of Object.entries(CATALOGS) as [Language, (typeof CATALOGS)[Language]][]) {
      const commands = Object.entries(t.commands).map(([command, description]) => ({ command, description }));
      await this.bot.telegram.setMyCommands(commands, { language_code: lang });
      if (lang === 'en') await this.bot.telegram.setMyCommands(commands);
    }
  }
}

/** Waits for `work` at most `ms`; it goes on in the background after that. */
async function atMost(ms: number, work: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
