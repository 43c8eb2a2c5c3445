import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { FakeTelegramApi, RecordedCall, TEST_WEBHOOK_SECRET, callbackUpdate, messageUpdate, testConfig, uniqueTelegramId } from '@genbot/testing';
import { bootstrapBot } from '../src/bootstrap';
import { handled, uniqueBotToken, webhookDelivery } from './queued-updates';

/** Telegram's two expected refusals, for one chat at a time, handled once for every handler. */
describe('bot: Telegram answering 403 and 429', () => {
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
  });
  afterAll(async () => {
    await app.close();
    await telegram.close();
  });

  const deliver = webhookDelivery(() => app);
  /** Every sendMessage to the chat, refused ones included. */
  const callsTo = (chatId: number) => telegram.calls('sendMessage').filter((call) => String(call.params.chat_id) === String(chatId));
  const outcome = (call: RecordedCall) => (call.response.ok ? 200 : call.response.error_code);
  const blockedAt = async (telegramId: number) => (await db.query('SELECT blocked_at FROM users WHERE telegram_id = $1', [telegramId]))[0].blocked_at;

  it('marks a user who blocked the bot as blocked, sends nothing more to them, and goes on with the next updates', async () => {
    const gone = { id: uniqueTelegramId(), language_code: 'en' };
    const other = { id: uniqueTelegramId(), language_code: 'en' };
    await deliver(messageUpdate(gone, '/start'));
    expect(await blockedAt(gone.id)).toBeNull();

    telegram.blockChat(gone.id);
    await deliver(messageUpdate(gone, '/balance'));
    expect(await blockedAt(gone.id)).toBeInstanceOf(Date);
    // One refused reply, and no "something went wrong" attempted after it.
    expect(callsTo(gone.id).map(outcome)).toEqual([200, 403]);

    // A button: the callback is answered (no chat in that call), the reply is refused, the update ends quietly.
    const press = callbackUpdate(gone, 'menu:balance');
    await deliver(press);
    expect(telegram.calls('answerCallbackQuery').some((call) => call.params.callback_query_id === press.callback_query.id)).toBe(true);
    expect(callsTo(gone.id).map(outcome)).toEqual([200, 403, 403]);

    await deliver(messageUpdate(other, '/help'));
    expect(telegram.sentTo(other.id).map((call) => call.response.ok)).toEqual([true]);
    expect(await blockedAt(other.id)).toBeNull();
  });

  it('waits the retry_after Telegram names and sends the throttled message once, for that chat only', async () => {
    const busy = { id: uniqueTelegramId(), language_code: 'en' };
    const calm = { id: uniqueTelegramId(), language_code: 'en' };
    telegram.failNext('sendMessage', { kind: 'retry_after', seconds: 1 }, { chatId: busy.id });
    const throttled = messageUpdate(busy, '/help');
    await http.post('/telegram/webhook').set('X-Telegram-Bot-Api-Secret-Token', TEST_WEBHOOK_SECRET).send(throttled).expect(200);
    // Another chat's lane does not wait behind the throttled one.
    await deliver(messageUpdate(calm, '/help'));
    await handled(app, throttled.update_id);

    const calls = callsTo(busy.id);
    expect(calls.map(outcome)).toEqual([429, 200]);
    expect(calls[1].at.getTime() - calls[0].at.getTime()).toBeGreaterThanOrEqual(1000);
    expect(String(calls[1].params.text)).toContain('Commands:');
    expect(telegram.sentTo(calm.id)[0].at.getTime()).toBeLessThan(calls[1].at.getTime());
  });

  it('gives up at once on a wait longer than a chat’s lane may hold, and sends nothing else into it', async () => {
    const flooded = { id: uniqueTelegramId(), language_code: 'en' };
    telegram.failNext('sendMessage', { kind: 'retry_after', seconds: 600 }, { chatId: flooded.id });
    await deliver(messageUpdate(flooded, '/help'));
    expect(callsTo(flooded.id).map(outcome)).toEqual([429]);
    await deliver(messageUpdate(flooded, '/help'));
    expect(callsTo(flooded.id).map(outcome)).toEqual([429, 200]);
  });
});
