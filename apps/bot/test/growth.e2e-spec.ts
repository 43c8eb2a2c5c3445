import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { SettingsService } from '@genbot/core';
import { ReviewsService } from '@genbot/growth';
import { LedgerService, verifyLedger } from '@genbot/ledger';
import { UsersService } from '@genbot/users';
import { FakeTelegramApi, TEST_WEBHOOK_SECRET, callbackUpdate, messageUpdate, testConfig, uniqueTelegramId } from '@genbot/testing';
import { bootstrapBot } from '../src/bootstrap';
import { uniqueBotToken, webhookDelivery } from './queued-updates';

const REVIEW_CHAT = -1009990001;

describe('bot: growth (daily bonus, reviews)', () => {
  let telegram: FakeTelegramApi;
  let app: NestFastifyApplication;
  let db: DataSource;

  beforeAll(async () => {
    telegram = await FakeTelegramApi.start({ token: uniqueBotToken() });
    app = await bootstrapBot(
      testConfig({ BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.apiRoot, TELEGRAM_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET, BOT_MODE: 'webhook' }),
      { port: 0 },
    );
    db = app.get(DataSource);
    await app.get(SettingsService).set({
      daily_bonus_schedule: [3, 6, 9],
      welcome_bonus_credits: 0,
      review_chat_id: REVIEW_CHAT,
      review_bonus_credits: 20,
      // The same as public-api's growth e2e sets: suites running side by side share system_settings.
      subscription_channels: ['@GenbotNews', '-1009990101'],
      subscription_bonus_credits: 10,
    });
  });
  afterAll(async () => {
    await app.close();
    await telegram.close();
  });

  const deliver = webhookDelivery(() => app);
  const lastText = (chatId: number) => String(telegram.lastSentText(chatId));
  const userIdOf = async (telegramId: number): Promise<string> => (await db.query('SELECT id FROM users WHERE telegram_id = $1', [telegramId]))[0].id;

  it('/bonus claims the daily bonus and shows the streak; a second /bonus or the Bonus button the same day grants nothing', async () => {
    const user = { id: uniqueTelegramId(), language_code: 'ru' };
    await deliver(messageUpdate(user, '/bonus'));
    expect(lastText(user.id)).toBe(
      '🎁 Ежедневный бонус: +3 кредита\n🔥 Серия: 1 день подряд\nЗавтра: +6 кредитов; пропущенный день начинает серию заново.\n\n' +
        '• Приглашайте друзей (/invite): вы получаете 10% кредитов с каждой их покупки.\n\n' +
        '📢 Подпишитесь на наш канал и получите +10 кредитов (один раз за канал), затем нажмите кнопку.',
    );
    const keyboard = (telegram.sentTo(user.id).at(-1)!.params.reply_markup as { inline_keyboard: { text: string; url?: string; callback_data?: string }[][] })
      .inline_keyboard;
    expect(keyboard).toEqual([
      [{ text: '📢 @genbotnews', url: 'https://t.me/genbotnews' }],
      [{ text: '✅ Я подписался: проверить', callback_data: 'growth:channels' }],
    ]);
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

  it('records messages posted in the review chat without answering there; the review check then pays once and sets hasLeftReview', async () => {
    const reviewer = { id: uniqueTelegramId(), language_code: 'en' };
    const inChat = (from: { id: number }, text: string, chat: { id: number; type: string; title: string }) => {
      const update = messageUpdate(from, text);
      return { ...update, message: { ...update.message, chat } };
    };
    const otherGroup = { id: -1009990002, type: 'supergroup', title: 'Elsewhere' };
    await deliver(inChat(reviewer, 'Great bot, my drawings came alive!', { id: REVIEW_CHAT, type: 'supergroup', title: 'Reviews' }));
    await deliver(inChat(reviewer, 'Not a review', otherGroup));
    expect(telegram.sentTo(REVIEW_CHAT)).toEqual([]);
    const userId = await userIdOf(reviewer.id);
    expect(await db.query('SELECT chat_id::text FROM reviews WHERE user_id = $1', [userId])).toEqual([{ chat_id: String(REVIEW_CHAT) }]);

    // Messages elsewhere still reach the handlers after this one.
    await deliver(messageUpdate(reviewer, 'hello'));
    expect(telegram.sentTo(reviewer.id).filter((call) => call.method === 'sendMessage')).toHaveLength(1);

    const reviews = app.get(ReviewsService);
    const checks = await Promise.all([reviews.check({ userId }), reviews.check({ userId }), reviews.check({ userId })]);
    expect(checks.filter((c) => c.bonusGranted)).toHaveLength(1);
    expect(checks.every((c) => c.found)).toBe(true);
    expect(await reviews.check({ userId })).toEqual({ found: true, bonusGranted: false, balance: 20 });
    expect((await app.get(UsersService).getById(userId)).reviewedAt).toBeInstanceOf(Date);
    expect(await verifyLedger(db)).toBeUndefined();
  });

  it('the channel button checks each channel through getChatMember and pays a member once', async () => {
    const user = { id: uniqueTelegramId(), language_code: 'en' };
    telegram.setChatMember('@genbotnews', user.id, { status: 'member' });
    telegram.setChatMember('-1009990101', user.id, { status: 'left' });
    await deliver(callbackUpdate(user, 'growth:channels'));
    expect(lastText(user.id)).toBe('✅ @genbotnews: +10 credits\n❌ -1009990101: you have not joined yet');
    telegram.setChatMember('-1009990101', user.id, { status: 'creator' });
    await deliver(callbackUpdate(user, 'growth:channels'));
    expect(lastText(user.id)).toBe('✔️ @genbotnews: bonus already received\n✅ -1009990101: +10 credits');
    // Left and came back: nothing new.
    telegram.setChatMember('@genbotnews', user.id, { status: 'left' });
    await deliver(callbackUpdate(user, 'growth:channels'));
    telegram.setChatMember('@genbotnews', user.id, { status: 'member' });
    await deliver(callbackUpdate(user, 'growth:channels'));
    expect(lastText(user.id)).toBe('✔️ @genbotnews: bonus already received\n✔️ -1009990101: bonus already received');
    expect((await app.get(LedgerService).balance(await userIdOf(user.id))).balance).toBe(20);
  });
});
