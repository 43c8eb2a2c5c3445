import type { ArgumentsHost } from '@nestjs/common';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Update } from 'telegraf/types';
import { AppConfig, DomainError, ErrorBodyFilter, readJsonBody } from '@genbot/core';
import { UpdatesQueue } from '../updates/updates.queue';

/**
 * Telegram's webhook, POST /telegram/webhook. The secret header proves the sender. The answer
 * comes as soon as the update is durably queued (one Redis round trip that also drops an update_id
 * seen before), never after the handlers: a slow handler or a slow Telegram must not make Telegram
 * time out and redeliver. UpdatesProcessor handles the queue, chat by chat in order.
 *
 * A plain Fastify route rather than a Nest controller: Telegram posts thousands of updates a
 * second at peak, and Nest's per-request pipeline (param pipes, the execution context) halved the
 * acks per second (bench/webhook/README.md). It even reads its body itself, in onRequest: Fastify's
 * body parsing left garbage that made the acks' slowest percent (readJsonBody). Errors still leave
 * through the one ErrorBodyFilter.
 */
/** The webhook's own code: a call without Telegram's secret token. */
export const WEBHOOK_ERROR_STATUSES = { WEBHOOK_SECRET_INVALID: 401 };

@Injectable()
export class WebhookRoute implements OnModuleInit {
  private readonly secretDigest: Buffer;
  private readonly errors = new ErrorBodyFilter([WEBHOOK_ERROR_STATUSES]);

  constructor(
    private readonly host: HttpAdapterHost,
    private readonly queue: UpdatesQueue,
    config: AppConfig,
  ) {
    this.secretDigest = digest(config.require('TELEGRAM_WEBHOOK_SECRET', 'for the bot webhook (or set BOT_MODE=polling)'));
  }

  /** Runs before the app listens, while Fastify still takes routes. */
  onModuleInit(): void {
    const fastify = this.host.httpAdapter.getInstance<FastifyInstance>();
    fastify.post('/telegram/webhook', {
      // All of it in onRequest, before Fastify's body parsing, whose garbage set the acks' p99 (readJsonBody).
      onRequest: (request, reply) => this.receive(request, reply),
      handler: () => Promise.reject(new Error('the webhook answers from its onRequest hook')),
      errorHandler: (error, request, reply) => this.errors.catch(error, httpHost(request, reply)),
    });
  }

  // The body is never run through the validation pipe: it refuses some text (NUL, lone
  // surrogates) with a 400, which Telegram would retry forever; handlers clean text.
  private async receive(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const secret = request.headers['x-telegram-bot-api-secret-token'];
    if (typeof secret !== 'string' || !timingSafeEqual(digest(secret), this.secretDigest)) {
      throw new DomainError('WEBHOOK_SECRET_INVALID', 'Missing or wrong X-Telegram-Bot-Api-Secret-Token');
    }
    const update = (await readJsonBody(request)) as Update;
    if (typeof update !== 'object' || update === null || !Number.isSafeInteger(update.update_id)) {
      throw new DomainError('VALIDATION_FAILED', 'Not a Telegram update', { fields: [{ field: 'update_id', problems: ['must be an integer'] }] });
    }
    // A redelivery of a queued or finished update is answered 200 too: it is in safe hands.
    await this.queue.enqueue(update);
    return reply.send({ ok: true });
  }
}

function httpHost(request: FastifyRequest, reply: FastifyReply): ArgumentsHost {
  return { getType: () => 'http', switchToHttp: () => ({ getRequest: () => request, getResponse: () => reply }) } as unknown as ArgumentsHost;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
