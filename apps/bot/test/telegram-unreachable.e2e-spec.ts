import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { FakeTelegramApi, TEST_WEBHOOK_SECRET, eventually, messageUpdate, testConfig, uniqueTelegramId } from '@genbot/testing';
import { bootstrapBot } from '../src/bootstrap';
import { handled, uniqueBotToken } from './queued-updates';

const unreachable = { kind: 'error', code: 502, description: 'Bad Gateway' } as const;

/**
 * Hardening 1: telegraf caches the getMe promise, rejected ones too, so one failed getMe at the
 * first webhook update deafened the bot until a restart; a failed polling launch stopped silently.
 */
describe('bot: Telegram unreachable for a while', () => {
  describe('webhook', () => {
    let telegram: FakeTelegramApi;
    let app: NestFastifyApplication;
    let http: ReturnType<typeof request>;

    beforeAll(async () => {
      telegram = await FakeTelegramApi.start({ token: uniqueBotToken() });
      // Telegram is unreachable for the first getMe, whoever makes it (boot or the first update).
      telegram.failNext('getMe', unreachable);
      app = await bootstrapBot(
        testConfig({
          BOT_TOKEN: telegram.token,
          TELEGRAM_API_ROOT: telegram.apiRoot,
          TELEGRAM_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
          BOT_MODE: 'webhook',
        }),
        { port: 0 },
      );
      http = request(app.getHttpServer());
    });
    afterAll(async () => {
      await app.close();
      await telegram.close();
    });

    const post = (update: object) => http.post('/telegram/webhook').set('X-Telegram-Bot-Api-Secret-Token', TEST_WEBHOOK_SECRET).send(update);
    const greeted = (chatId: number) => telegram.sentTo(chatId).filter((c) => c.method === 'sendMessage').length;

    it('handles later updates after a getMe failure, and the first one too', async () => {
      const first = uniqueTelegramId();
      const firstUpdate = messageUpdate({ id: first, language_code: 'en' }, '/start');
      // Queued whatever Telegram answers getMe: the processor waits for the identity, not the webhook.
      await post(firstUpdate).expect(200);

      const second = uniqueTelegramId();
      const secondUpdate = messageUpdate({ id: second, language_code: 'en' }, '/start');
      await post(secondUpdate).expect(200);
      await handled(app, secondUpdate.update_id);
      expect(greeted(second)).toBe(1);

      await handled(app, firstUpdate.update_id);
      expect(greeted(first)).toBe(1);
      // Telegram redelivers anything it did not see answered; a redelivery changes nothing.
      await post(firstUpdate).expect(200);
      expect(greeted(first)).toBe(1);
    });

    it('keeps handling updates while getMe fails, once the identity is known', async () => {
      // The identity is fetched once: a later getMe outage must not matter to updates.
      telegram.failNext('getMe', unreachable, { times: Infinity });
      const id = uniqueTelegramId();
      const update = messageUpdate({ id, language_code: 'en' }, '/start');
      await post(update).expect(200);
      await handled(app, update.update_id);
      expect(greeted(id)).toBe(1);
      telegram.reset();
    });
  });

  describe('webhook, identity unknown for longer than an update may wait', () => {
    it('acks the update at once and handles it once Telegram answers again', async () => {
      const telegram = await FakeTelegramApi.start({ token: uniqueBotToken() });
      telegram.failNext('getMe', unreachable, { times: Infinity });
      const app = await bootstrapBot(
        testConfig({ BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.apiRoot, TELEGRAM_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET, BOT_MODE: 'webhook' }),
        { port: 0 },
      );
      try {
        const http = request(app.getHttpServer());
        const id = uniqueTelegramId();
        const update = messageUpdate({ id, language_code: 'en' }, '/start');
        const post = () => http.post('/telegram/webhook').set('X-Telegram-Bot-Api-Secret-Token', TEST_WEBHOOK_SECRET).send(update);
        // Durably queued: Telegram need not redeliver, however long the outage lasts.
        await post().expect(200);
        expect(telegram.sentTo(id)).toHaveLength(0);
        telegram.reset(); // Telegram is back
        await handled(app, update.update_id);
        await post().expect(200);
        expect(telegram.sentTo(id).filter((c) => c.method === 'sendMessage')).toHaveLength(1);
      } finally {
        await app.close();
        await telegram.close();
      }
    });
  });

  describe('polling', () => {
    it.each([
      ['getMe fails at launch', (telegram: FakeTelegramApi) => telegram.failNext('getMe', unreachable, { times: 2 })],
      [
        'the first getUpdates is refused',
        (telegram: FakeTelegramApi) =>
          telegram.failNext('getUpdates', { kind: 'error', code: 409, description: 'Conflict: terminated by other getUpdates request' }),
      ],
    ])('recovers when %s', async (_, breakTelegram) => {
      const telegram = await FakeTelegramApi.start({ token: uniqueBotToken(), maxLongPollMs: 200 });
      breakTelegram(telegram);
      const app = await bootstrapBot(testConfig({ BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.apiRoot, BOT_MODE: 'polling' }), { port: 0 });
      try {
        const id = uniqueTelegramId();
        telegram.pushUpdate(messageUpdate({ id, language_code: 'en' }, '/start'));
        await eventually(
          async () => telegram.sentTo(id).filter((c) => c.method === 'sendMessage').length,
          (count) => count === 1,
          15_000,
        );
      } finally {
        await app.close();
        await telegram.close();
      }
    });
  });
});
