import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppConfig, HttpAppOptions, createHttpApp } from '@genbot/core';
import { LEDGER_ERROR_STATUSES } from '@genbot/ledger';
import { USERS_ERROR_STATUSES } from '@genbot/users';
import { BotModule } from './bot.module';
import { WEBHOOK_ERROR_STATUSES } from './http/webhook.route';

/**
 * Starts the bot app (webhook endpoint and health); shared by main, the all-in-one process and e2e.
 * `beforeListen` mounts what the app does not own: the sandbox page when `npm start` runs one.
 */
export function bootstrapBot(config: AppConfig, options: Pick<HttpAppOptions, 'port' | 'beforeListen'> = {}): Promise<NestFastifyApplication> {
  if (config.env.BOT_TOKEN && config.botMode === 'webhook' && config.env.BOT_ROLE !== 'handle')
    config.require('TELEGRAM_WEBHOOK_SECRET', 'in webhook mode (or set BOT_MODE=polling)');
  return createHttpApp(BotModule.register(config), config, 'bot', {
    port: options.port,
    beforeListen: options.beforeListen,
    errorStatuses: [USERS_ERROR_STATUSES, LEDGER_ERROR_STATUSES, WEBHOOK_ERROR_STATUSES],
  });
}
