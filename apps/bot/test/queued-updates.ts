import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomInt } from 'node:crypto';
import request from 'supertest';
import { FakeTelegramApi, TEST_WEBHOOK_SECRET, eventually } from '@genbot/testing';
import { UpdatesQueue } from '../src/updates/updates.queue';

/**
 * A bot token of its own per suite: the update queue is keyed by the bot's id, and suites running
 * side by side on one Redis must not handle each other's updates (as two real bots would not).
 */
export function uniqueBotToken(): string {
  return `${randomInt(100_000_000, 2_000_000_000)}:AAF-fake-token-for-tests_${randomInt(1e9)}`;
}

/** Resolves once the bot's processor has finished the update (the webhook acked it before that). */
export async function handled(app: NestFastifyApplication, updateId: number, timeoutMs = 15_000): Promise<void> {
  const queue = app.get(UpdatesQueue);
  await eventually(
    () => queue.state(updateId),
    (state) => state === 'done',
    timeoutMs,
    10,
  );
}

/** The settings of a bot in webhook mode talking to `telegram` (the fake Bot API); suites add their own. */
export function botWebhookEnv(telegram: FakeTelegramApi) {
  return {
    BOT_TOKEN: telegram.token,
    BOT_USERNAME: telegram.botUsername,
    TELEGRAM_API_ROOT: telegram.apiRoot,
    TELEGRAM_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
    BOT_MODE: 'webhook',
  } as const;
}

/**
 * What Telegram does with an update: POST it to the webhook and get the ack; then the returned
 * function waits for the bot's processor to finish it. `app` is read at each call, so a suite
 * that restarts its bot keeps one `deliver`.
 */
export function webhookDelivery(app: () => NestFastifyApplication): (update: { update_id: number }) => Promise<void> {
  return async (update) => {
    await request(app().getHttpServer()).post('/telegram/webhook').set('X-Telegram-Bot-Api-Secret-Token', TEST_WEBHOOK_SECRET).send(update).expect(200);
    await handled(app(), update.update_id);
  };
}
