import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { SettingsService } from '@genbot/core';
import { LedgerService, verifyLedger } from '@genbot/ledger';
import { FakeTelegramApi, TEST_WEBHOOK_SECRET, callbackUpdate, messageUpdate, testConfig, uniqueTelegramId } from '@genbot/testing';
import { bootstrapBot } from '../src/bootstrap';
import { handled, uniqueBotToken } from './queued-updates';

describe('bot: growth (daily bonus, reviews)', () => {
  let telegram: FakeTelegramApi;
  let app: NestFastifyApplication;
  let http: ReturnType<typeof request>;
  let db: DataSource;

  beforeAll(async () => {
    telegram = await FakeTelegramApi.start({ token: uniqueBotToken() });
    app = await bootstrapBot(
      testConfig({ BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.apiRoot, TELEGRAM_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET, BOT_MODE: 'webhook' }),
      { port: 0 },
    );
    http = request(app.getHttpServer());
    db = app.get(DataSource);
    await app.get(SettingsService).set({ daily_bonus_schedule: [3, 6, 9], welcome_bonus_credits: 0 });
  });
  afterAll(async () => {
    await app.close();
    await telegram.close();
  });

  const deliver = async (update: { update_id: number }) => {
    await http.post('/telegram/webhook').set('X-Telegram-Bot-Api-Secret-Token', TEST_WEBHOOK_SECRET).send(update).expect(200);
    await handled(app, update.update_id);
  };
  const lastText = (chatId: number) =>
    String(
      telegram
        .sentTo(chatId)
        .filter((call) => call.method === 'sendMessage')
        .at(-1)?.params.text,
    );
  const userIdOf = async (telegramId: number): Promise<string> => (await db.query('SELECT id FROM users WHERE telegram_id = $1', [telegramId]))[0].id;

  it('/bonus claims the daily bonus and shows the streak; a second /bonus or the Bonus button the same day grants nothing', async () => {
    const user = { id: uniqueTelegramId(), language_code: 'ru' };
    await deliver(messageUpdate(user, '/bonus'));
    expect(lastText(user.id)).toBe(
      '🎁 Ежедневный бонус: +3 кредита\n🔥 Серия: 1 день подряд\nЗавтра: +6 кредитов; пропущенный день начинает серию заново.\n\n' +
        '• Приглашайте друзей (/invite): вы получаете 10% кредитов с каждой их покупки.',
    );
    await deliver(messageUpdate(user, '/bonus'));
    expect(lastText(user.id)).toMatch(
      /^⏳ Сегодняшний бонус уже получен\.\n🔥 Серия: 1 день подряд\nСледующий бонус \(\+6 кредитов\) через (\d+ ч )?\d+ мин\./,
    );
    await deliver(callbackUpdate(user, 'menu:bonus'));
    expect(lastText(user.id)).toMatch(/^⏳ Сегодняшний бонус уже получен/);

    const english = { id: uniqueTelegramId(), language_code: 'en' };
    await deliver(callbackUpdate(english, 'menu:bonus'));
    expect(lastText(english.id)).toMatch(/^🎁 Daily bonus: \+3 credits\n🔥 Streak: 1 day in a row\nCome back tomorrow for \+6 credits/);

    const userId = await userIdOf(user.id);
    expect((await app.get(LedgerService).balance(userId)).balance).toBe(3);
    expect(await verifyLedger(db)).toBeUndefined();
  });
});
