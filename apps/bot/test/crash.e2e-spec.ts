import Redis from 'ioredis';
import { FakeTelegramApi, TEST_DATABASE_URL, TEST_REDIS_URL, TEST_WEBHOOK_SECRET, eventually, messageUpdate, uniqueTelegramId } from '@genbot/testing';
import { BotProcess } from './bot-process';
import { GatedTelegram } from './gated-telegram';
import { uniqueBotToken } from './queued-updates';

/**
 * Issue 8: the webhook acks once an update is queued, so a bot process may die between the ack
 * and the handling. Real bot processes: the first acks every update while Telegram is slow (its
 * handlers hang on sendMessage), is SIGKILLed, and a second one takes over the lanes the first
 * held (after BOT_UPDATE_RECLAIM_MS) and the ones it never read. Every update must be handled
 * exactly once, each chat's in order; updates finished before the crash are not repeated.
 */
describe('bot crash between ack and handling', () => {
  const CHATS = 20;
  const COMMANDS = ['/help', '/balance', '/language'];
  const REPLIES = ['Commands:', '💰 Your balance: 0 credits', 'Choose your language:'];
  let telegram: FakeTelegramApi;
  let gate: GatedTelegram;
  let redis: Redis;
  let env: Record<string, string>;
  const bots: BotProcess[] = [];

  beforeAll(async () => {
    telegram = await FakeTelegramApi.start({ token: uniqueBotToken() });
    gate = await GatedTelegram.start(telegram.apiRoot);
    redis = new Redis(TEST_REDIS_URL);
    env = {
      DATABASE_URL: TEST_DATABASE_URL,
      REDIS_URL: TEST_REDIS_URL,
      DATABASE_POOL_SIZE: '5',
      BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: gate.apiRoot,
      TELEGRAM_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
      BOT_MODE: 'webhook',
      // Fewer lanes than chats: the first process holds some lanes and never reads the others.
      BOT_UPDATE_CONCURRENCY: '8',
      // The dead process's lanes are taken over after 1 s of silence, not the default 30 s.
      BOT_UPDATE_RECLAIM_MS: '1000',
    };
  });
  afterAll(async () => {
    for (const bot of bots.splice(0)) await bot.kill();
    redis.disconnect();
    await gate.stop();
    await telegram.close();
  });

  const post = (bot: BotProcess, update: object) =>
    fetch(`${bot.baseUrl}/telegram/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'X-Telegram-Bot-Api-Secret-Token': TEST_WEBHOOK_SECRET },
      body: JSON.stringify(update),
    });
  const replies = (chatId: number) => telegram.sentTexts(chatId).map((text) => text.split('\n')[0]);
  const states = (updateIds: number[]) => redis.mget(updateIds.map((id) => `bot:update:${telegram.botId}:${id}`));

  it('handles every acked update exactly once, in each chat’s order, after the process is killed', async () => {
    const first = await BotProcess.start(env);
    bots.push(first);

    // Before the crash: updates handled in full, which must not be handled again.
    const early = Array.from({ length: 5 }, () => messageUpdate({ id: uniqueTelegramId(), language_code: 'en' }, '/help'));
    for (const update of early) expect((await post(first, update)).status).toBe(200);
    await eventually(
      () => states(early.map((u) => u.update_id)),
      (all) => all.every((s) => s === 'done'),
      20_000,
      50,
    );

    // Telegram turns slow: every update is acked at once while its handler waits on sendMessage.
    gate.close();
    const chats = Array.from({ length: CHATS }, () => uniqueTelegramId());
    const updates = chats.flatMap((id) => COMMANDS.map((text) => ({ chat: id, update: messageUpdate({ id, language_code: 'en' }, text) })));
    const acks = await Promise.all(updates.map(({ update }) => post(first, update).then((r) => r.status)));
    expect(acks.every((status) => status === 200)).toBe(true);
    // As many handlers in flight as the process takes lanes at once.
    await eventually(
      async () => gate.waiting,
      (n) => n === 8,
      20_000,
      50,
    );
    expect(chats.flatMap(replies)).toEqual([]);

    await first.kill();
    // The dead process's sendMessage calls never reached Telegram.
    await eventually(
      async () => gate.waiting,
      (n) => n === 0,
      5_000,
      20,
    );
    gate.release();

    const second = await BotProcess.start(env);
    bots.push(second);
    // Telegram redelivers what it likes; a queued or finished update is acked and not queued again.
    for (const update of [...early, ...updates.slice(0, 6).map((u) => u.update)]) expect((await post(second, update)).status).toBe(200);

    const ids = updates.map((u) => u.update.update_id);
    await eventually(
      () => states(ids),
      (all) => all.every((s) => s === 'done'),
      45_000,
      100,
    );
    for (const chat of chats) expect({ chat, replies: replies(chat) }).toEqual({ chat, replies: REPLIES });
    for (const { message } of early) expect(replies(message.chat.id)).toEqual(['Commands:']);
  }, 120_000);
});
