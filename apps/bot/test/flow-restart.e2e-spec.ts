import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { FakeTelegramApi, callbackUpdate, messageUpdate, testConfig, uniqueTelegramId } from '@genbot/testing';
import { bootstrapBot } from '../src/bootstrap';
import { botWebhookEnv, uniqueBotToken, webhookDelivery } from './queued-updates';

type Button = { text: string; callback_data?: string };

/** A flow lives in Redis, not in the bot process: a deploy between two taps loses nothing. */
describe('bot: a flow across a restart', () => {
  let telegram: FakeTelegramApi;
  let bot: NestFastifyApplication;
  const config = () =>
    testConfig({
      ...botWebhookEnv(telegram),
      BOT_WEBHOOK_URL: 'https://bot.example.com/telegram/webhook',
    });

  beforeAll(async () => {
    telegram = await FakeTelegramApi.start({ token: uniqueBotToken() });
    bot = await bootstrapBot(config(), { port: 0 });
  });
  afterAll(async () => {
    await bot?.close();
    await telegram.close();
  });

  const deliver = webhookDelivery(() => bot);
  const sent = (chatId: number) => telegram.sentTo(chatId).filter((c) => c.method === 'sendMessage' || c.method === 'editMessageText');
  const buttonsOf = (call: { params: Record<string, unknown> }) =>
    ((call.params.reply_markup as { inline_keyboard?: Button[][] } | undefined)?.inline_keyboard ?? []).flat();

  it('takes a button pressed after the restart, and answers one from an earlier step as expired', async () => {
    const from = { id: uniqueTelegramId(), language_code: 'en' };
    await deliver(messageUpdate(from, '/create'));
    const picker = sent(from.id).at(-1)!;
    const model = buttonsOf(picker).find((b) => b.callback_data?.startsWith('f:create:') && b.callback_data.includes(':model:'));
    expect(model).toBeDefined();

    await bot.close();
    bot = await bootstrapBot(config(), { port: 0 });

    const before = sent(from.id).length;
    await deliver(callbackUpdate(from, model!.callback_data!, 1));
    const next = sent(from.id).slice(before);
    expect(next.length).toBeGreaterThan(0);
    expect(next.map((c) => String(c.params.text))).not.toContain('⌛ This menu has expired. Here is a fresh one.');

    // The flow moved on: the same model button now belongs to an earlier step.
    await deliver(callbackUpdate(from, model!.callback_data!, 1));
    expect(sent(from.id).at(-1)!.params.text).toBe('⌛ This menu has expired. Here is a fresh one.');
  });
});
