import { Logger } from '@nestjs/common';
import type { Telegraf } from 'telegraf';
import { type AppConfig, DomainError } from '@genbot/core';
import type { BotContext } from './bot-context';

/**
 * The bot's id: the numeric part of its token, known without asking Telegram (so keys exist even
 * while getMe fails). Every Redis key of the bot starts `bot:<id>:`, so two bots on one Redis
 * keep their queues, flows and markers apart.
 */
export function botIdOf(config: AppConfig): string {
  return (config.env.BOT_TOKEN ?? '').split(':')[0];
}

/** 0.5 s doubling to 30 s: quick after a blip, gentle on a long outage. */
export function backoffMs(attempt: number): number {
  return Math.min(500 * 2 ** attempt, 30_000);
}

/**
 * The bot's own identity (getMe), which telegraf needs before it can handle any update. Left to
 * itself telegraf fetches it at the first update and caches the promise, a rejected one too, so
 * one failed getMe answered every later webhook update with a 500 until a restart. Here it is
 * fetched at boot, a failure is retried with backoff in the background (never cached), and an
 * update that arrives before it is known waits for an attempt briefly, else gets a 503 so that
 * Telegram delivers it again.
 */
export class BotIdentity {
  private readonly logger = new Logger('Bot');
  private inFlight?: Promise<boolean>;
  private retryTimer?: NodeJS.Timeout;
  private failures = 0;
  private stopped = false;

  constructor(private readonly bot: Telegraf<BotContext>) {}

  get known(): boolean {
    return this.bot.botInfo !== undefined;
  }

  /** Starts fetching in the background; failures are logged and retried, never thrown. */
  start(): void {
    void this.fetch();
  }

  /** Resolves once the identity is known, trying now if needed; 503 when not within `waitMs`. */
  async ensure(waitMs: number): Promise<void> {
    if (this.known) return;
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), waitMs)));
    const fetched = await Promise.race([this.fetch(), gaveUp]);
    clearTimeout(timer);
    if (!fetched && !this.known) {
      throw new DomainError('SERVICE_UNAVAILABLE', 'The bot cannot reach Telegram yet; the update will be delivered again', { retryAfterSeconds: 5 });
    }
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
  }

  /** One attempt at a time: an update arriving mid-attempt joins it instead of starting another. */
  private fetch(): Promise<boolean> {
    if (this.known) return Promise.resolve(true);
    this.inFlight ??= this.bot.telegram
      .getMe()
      .then(
        (me) => {
          this.bot.botInfo = me;
          clearTimeout(this.retryTimer);
          if (this.failures > 0) this.logger.log(`reached Telegram as @${me.username} after ${this.failures} failed getMe`);
          return true;
        },
        (error: unknown) => {
          const delayMs = backoffMs(this.failures++);
          this.logger.warn({ err: error }, `getMe failed (Telegram unreachable?): retrying in ${delayMs} ms; updates get 503 until it succeeds`);
          if (!this.stopped) {
            clearTimeout(this.retryTimer);
            this.retryTimer = setTimeout(() => void this.fetch(), delayMs).unref();
          }
          return false;
        },
      )
      .finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }
}
