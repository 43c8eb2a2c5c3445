import { Controller, Headers, HttpCode, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { InjectBot } from 'nestjs-telegraf';
import { timingSafeEqual, createHash } from 'node:crypto';
import Redis from 'ioredis';
import { Telegraf } from 'telegraf';
import type { Update } from 'telegraf/types';
import { AppConfig, DomainError, InjectRedis } from '@genbot/core';
import type { BotContext } from '../telegram/bot-context';

const PROCESSING_TTL_SECONDS = 120;
const DONE_TTL_SECONDS = 24 * 3600;

/**
 * Telegram's webhook. The secret header proves the sender; an update_id is handled once even when
 * Telegram delivers it twice (it retries anything it did not see answered). A redelivery that
 * arrives while the first copy is still being handled gets a 503, so Telegram tries again later
 * instead of the update being lost if that first copy dies.
 */
@Controller('telegram')
export class WebhookController {
  private readonly secretDigest: Buffer;

  constructor(
    @InjectBot() private readonly bot: Telegraf<BotContext>,
    @InjectRedis() private readonly redis: Redis,
    config: AppConfig,
  ) {
    this.secretDigest = digest(config.require('TELEGRAM_WEBHOOK_SECRET', 'for the bot webhook (or set BOT_MODE=polling)'));
  }

  @Post('webhook')
  @HttpCode(200)
  // The update is read off the request, not through @Body(): the global pipe refuses some text
  // (NUL, lone surrogates) with a 400, which Telegram would retry forever; handlers clean text.
  async receive(@Headers('x-telegram-bot-api-secret-token') secret: string | undefined, @Req() request: FastifyRequest): Promise<{ ok: true }> {
    const update = request.body as Update;
    if (typeof secret !== 'string' || !timingSafeEqual(digest(secret), this.secretDigest)) {
      throw new DomainError('WEBHOOK_SECRET_INVALID', 'Missing or wrong X-Telegram-Bot-Api-Secret-Token');
    }
    if (typeof update !== 'object' || update === null || !Number.isSafeInteger(update.update_id)) {
      throw new DomainError('VALIDATION_FAILED', 'Not a Telegram update', { fields: [{ field: 'update_id', problems: ['must be an integer'] }] });
    }
    const key = `bot:update:${this.bot.botInfo?.id ?? 'bot'}:${update.update_id}`;
    const claimed = await this.redis.set(key, 'processing', 'EX', PROCESSING_TTL_SECONDS, 'NX');
    if (!claimed) {
      if ((await this.redis.get(key)) === 'done') return { ok: true };
      throw new DomainError('SERVICE_UNAVAILABLE', 'This update is being processed', { retryAfterSeconds: 5 });
    }
    try {
      await this.bot.handleUpdate(update);
    } catch (error) {
      await this.redis.del(key);
      throw error;
    }
    await this.redis.set(key, 'done', 'EX', DONE_TTL_SECONDS);
    return { ok: true };
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
