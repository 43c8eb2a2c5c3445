import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppConfig, createHttpApp } from '@genbot/core';
import { BotModule } from './bot.module';

/** Starts the bot app (webhook endpoint and health); shared by main, the all-in-one process and e2e. */
export function bootstrapBot(config: AppConfig, options: { port?: number } = {}): Promise<NestFastifyApplication> {
  if (config.env.BOT_TOKEN && config.botMode === 'webhook') config.require('TELEGRAM_WEBHOOK_SECRET', 'in webhook mode (or set BOT_MODE=polling)');
  return createHttpApp(BotModule.register(config), config, 'bot', { port: options.port });
}
