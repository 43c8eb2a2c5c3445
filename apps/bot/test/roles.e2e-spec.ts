import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import Redis from 'ioredis';
import { readFileSync } from 'node:fs';
import request from 'supertest';
import {
  FakeTelegramApi,
  TEST_DATABASE_URL,
  TEST_REDIS_URL,
  TEST_WEBHOOK_SECRET,
  eventually,
  messageUpdate,
  testConfig,
  uniqueTelegramId,
} from '@genbot/testing';
import { bootstrapBot } from '../src/bootstrap';
import { UpdatesQueue } from '../src/updates/updates.queue';
import { BotProcess } from './bot-process';
import { botWebhookEnv, uniqueBotToken } from './queued-updates';

/** A process's nice value, from /proc (field 19 of its stat line, counted after the command name). */
function niceOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
}

/**
 * Issue 8: BOT_ROLE splits a bot in two. The ingesting process (webhook) only acks and queues; a
 * handling process (its own process, as production runs it) handles the queue at a lower CPU
 * priority, so acks never wait behind handlers.
 */
describe('bot roles: ingest and handle in separate processes', () => {
  let telegram: FakeTelegramApi;
  let ingest: NestFastifyApplication;
  let handler: BotProcess | undefined;

  beforeAll(async () => {
    telegram = await FakeTelegramApi.start({ token: uniqueBotToken() });
    ingest = await bootstrapBot(testConfig({ ...botWebhookEnv(telegram), BOT_ROLE: 'ingest', BOT_WEBHOOK_URL: 'https://bot.example.com/telegram/webhook' }), {
      port: 0,
    });
  });
  afterAll(async () => {
    await handler?.kill();
    await ingest.close();
    await telegram.close();
  });

  it('acks and queues in the ingesting process; the handling process answers each chat in order, once, and serves no webhook', async () => {
    // The ingesting process is the one that tells Telegram where to post, and runs no handlers.
    expect(telegram.webhook).toEqual({ url: 'https://bot.example.com/telegram/webhook', secretToken: TEST_WEBHOOK_SECRET });
    const chats = [uniqueTelegramId(), uniqueTelegramId()];
    const updates = chats.flatMap((id) => ['/help', '/balance', '/language'].map((text) => messageUpdate({ id, language_code: 'en' }, text)));
    for (const update of updates)
      await request(ingest.getHttpServer()).post('/telegram/webhook').set('X-Telegram-Bot-Api-Secret-Token', TEST_WEBHOOK_SECRET).send(update).expect(200);
    const queue = ingest.get(UpdatesQueue);
    expect(await Promise.all(updates.map((update) => queue.state(update.update_id)))).toEqual(updates.map(() => 'queued'));
    // Nobody reads the queue yet: processors read it through a consumer group, and none was created.
    const redis = new Redis(TEST_REDIS_URL);
    expect(await redis.call('XINFO', 'GROUPS', `bot:${telegram.botId}:updates`)).toEqual([]);
    redis.disconnect();

    const { BOT_TOKEN, TELEGRAM_API_ROOT } = botWebhookEnv(telegram);
    handler = await BotProcess.start({
      DATABASE_URL: TEST_DATABASE_URL,
      REDIS_URL: TEST_REDIS_URL,
      DATABASE_POOL_SIZE: '3',
      BOT_TOKEN,
      TELEGRAM_API_ROOT,
      BOT_MODE: 'webhook',
      BOT_ROLE: 'handle',
    });
    await eventually(
      () => Promise.all(updates.map((update) => queue.state(update.update_id))),
      (states) => states.every((state) => state === 'done'),
      20_000,
      50,
    );
    for (const id of chats)
      expect(telegram.sentTexts(id).map((text) => text.split('\n')[0])).toEqual(['Commands:', '💰 Your balance: 0 credits', 'Choose your language:']);

    // It needs no webhook secret, takes no updates itself and leaves the webhook and commands to the other.
    expect((await fetch(`${handler.baseUrl}/telegram/webhook`, { method: 'POST', body: '{}' })).status).toBe(404);
    expect(telegram.calls('setWebhook')).toHaveLength(1);
    expect(telegram.calls('setMyCommands')).toHaveLength(4);
    // Below normal (nice 10), never above the priority it started with.
    expect(niceOf(handler.pid!)).toBe(Math.max(10, niceOf(process.pid)));
  });
});
