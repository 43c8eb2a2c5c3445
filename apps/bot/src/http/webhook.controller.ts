import { Controller, Headers, HttpCode, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { timingSafeEqual, createHash } from 'node:crypto';
import type { Update } from 'telegraf/types';
import { AppConfig, DomainError } from '@genbot/core';
import { UpdatesQueue } from '../updates/updates.queue';

/**
 * Telegram's webhook. The secret header proves the sender. The answer comes as soon as the update
 * is durably queued (one Redis round trip that also drops an update_id seen before), never after
 * the handlers: a slow handler or a slow Telegram must not make Telegram time out and redeliver.
 * UpdatesProcessor handles the queue, chat by chat in order.
 */
@Controller('telegram')
export class WebhookController {
  private readonly secretDigest: Buffer;

  constructor(
    private readonly queue: UpdatesQueue,
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
    // A redelivery of a queued or finished update is answered 200 too: it is in safe hands.
    await this.queue.enqueue(update);
    return { ok: true };
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
