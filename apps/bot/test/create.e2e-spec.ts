import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { SettingsService } from '@genbot/core';
import { GenerationsService } from '@genbot/generations';
import { LedgerService } from '@genbot/ledger';
import {
  FakeGemini,
  FakeTelegramApi,
  FakeWavespeed,
  RecordedCall,
  callbackUpdate,
  eventually,
  freePort,
  messageUpdate,
  photoUpdate,
  testConfig,
  uniqueTelegramId,
} from '@genbot/testing';
import { bootstrapWorker } from '../../worker/src/bootstrap';
import { bootstrapBot } from '../src/bootstrap';
import { botWebhookEnv, uniqueBotToken, webhookDelivery } from './queued-updates';

type Button = { text: string; callback_data?: string };

/** Generating from the chat, through the webhook, the worker and the provider fakes, as the user sees it. */
describe('bot: /create, /tools and a drawing photo', () => {
  let telegram: FakeTelegramApi;
  let wavespeed: FakeWavespeed;
  let gemini: FakeGemini;
  let bot: NestFastifyApplication;
  let worker: NestFastifyApplication;
  let ledger: LedgerService;
  let db: DataSource;
  let dataDir: string;

  beforeAll(async () => {
    telegram = await FakeTelegramApi.start({ token: uniqueBotToken() });
    wavespeed = await FakeWavespeed.start();
    gemini = await FakeGemini.start();
    dataDir = mkdtempSync(join(tmpdir(), 'genbot-bot-create-'));
    const port = await freePort();
    const config = testConfig({
      ...botWebhookEnv(telegram),
      BOT_WEBHOOK_URL: 'https://bot.example.com/telegram/webhook',
      WAVESPEED_API_KEY: wavespeed.apiKey,
      WAVESPEED_BASE_URL: wavespeed.baseUrl,
      GEMINI_API_KEYS: gemini.apiKeysCsv,
      GEMINI_BASE_URL: gemini.baseUrl,
      DATA_DIR: dataDir,
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
      FILE_URL_SECRET: 'f'.repeat(40),
      UPLOAD_MAX_BYTES: String(64 * 1024),
    });
    bot = await bootstrapBot(config, { port: 0 });
    worker = await bootstrapWorker(config, { port: 0 });
    ledger = bot.get(LedgerService);
    db = bot.get(DataSource);
  });
  afterAll(async () => {
    await worker?.close();
    await bot?.close();
    await telegram.close();
    await wavespeed.close();
    await gemini.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const deliver = webhookDelivery(() => bot);
  /** The messages the chat shows now: sent ones, with their latest edit applied. */
  const screen = (chatId: number) => {
    const shown = new Map<number, { text: string; buttons: Button[] }>();
    for (const call of telegram.sentTo(chatId)) {
      if (call.method !== 'sendMessage' && call.method !== 'editMessageText') continue;
      const id = call.method === 'sendMessage' ? (call.response as { result: { message_id: number } }).result.message_id : Number(call.params.message_id);
      const markup = call.params.reply_markup as { inline_keyboard?: Button[][] } | undefined;
      shown.set(id, { text: String(call.params.text), buttons: markup?.inline_keyboard?.flat() ?? [] });
    }
    return [...shown].map(([id, message]) => ({ id, ...message }));
  };
  const last = (chatId: number) => screen(chatId).at(-1)!;
  /** Presses the button whose text starts with `label` on the latest message that has one. */
  const press = async (from: { id: number; language_code?: string }, label: string) => {
    const message = screen(from.id)
      .reverse()
      .find((m) => m.buttons.some((b) => b.text.startsWith(label)));
    if (!message) throw new Error(`no button "${label}" on screen: ${JSON.stringify(screen(from.id))}`);
    const button = message.buttons.find((b) => b.text.startsWith(label))!;
    const update = callbackUpdate(from, button.callback_data!, message.id);
    await deliver(update);
    return { update, data: button.callback_data!, messageId: message.id };
  };
  /** Which chat each tracked button press came from, to find the answers to those presses. */
  const answeredFor = new Map<string, number>();
  const answers = (chatId: number) => telegram.calls('answerCallbackQuery').filter((c) => answeredFor.get(String(c.params.callback_query_id)) === chatId);
  const pressTracked = async (from: { id: number; language_code?: string }, data: string, messageId: number) => {
    const update = callbackUpdate(from, data, messageId);
    answeredFor.set(update.callback_query.id, from.id);
    await deliver(update);
  };
  async function newUser(credits: number, opts: { trial?: boolean; language_code?: string } = {}) {
    const from = { id: uniqueTelegramId(), language_code: opts.language_code ?? 'en' };
    await deliver(messageUpdate(from, '/start'));
    const [user] = await db.query('SELECT id FROM users WHERE telegram_id = $1', [from.id]);
    if (credits > 0)
      await ledger.transfer({ idempotencyKey: randomUUID(), from: { system: 'purchases' }, to: { userId: user.id }, amount: credits, kind: 'purchase' });
    if (!opts.trial) {
      const [model] = await db.query(`SELECT id FROM models WHERE slug = 'seedream-v4'`);
      await db.query(`INSERT INTO trial_uses (user_id, model_id, generation_id) VALUES ($1, $2, $3)`, [user.id, model.id, randomUUID()]);
    }
    return { from, userId: user.id as string };
  }
  const generationsOf = (userId: string): Promise<{ id: string; status: string; price_credits: number; options: Record<string, unknown> }[]> =>
    db.query('SELECT id, status, price_credits, options FROM generations WHERE user_id = $1 ORDER BY created_at', [userId]);
  const settled = (userId: string) =>
    eventually(
      () => generationsOf(userId),
      (rows) => rows.length > 0 && rows.every((g) => ['succeeded', 'failed', 'cancelled'].includes(g.status)),
      15_000,
    );
  const sent = (chatId: number, method: string) => telegram.calls(method).filter((c: RecordedCall) => String(c.params.chat_id) === String(chatId));

  it('model → option → prompt → confirm delivers the photo, and a double tap on Confirm charges once', async () => {
    const { from, userId } = await newUser(100);
    await deliver(messageUpdate(from, '/create'));
    expect(last(from.id).text).toBe('🎨 Choose a model:');
    expect(last(from.id).buttons.map((b) => b.text)).toContain('Seedream 4.0 · 27 credits');

    await press(from, 'Seedream 4.0');
    expect(last(from.id).text).toBe('Choose the size:');
    await press(from, '1024*1024');
    expect(last(from.id).text).toBe('✍️ Seedream 4.0: describe what to create.');
    await deliver(messageUpdate(from, 'a fox in the snow'));
    expect(last(from.id).text).toBe('🖼 Send up to 10 photos to work from, or continue without photos.');
    await press(from, '➡️ Without photos');
    const confirm = last(from.id);
    expect(confirm.text).toBe('🧾 Seedream 4.0\n⚙️ size: 1024*1024\n✍️ a fox in the snow\n💰 Price: 27 credits');
    const confirmData = confirm.buttons.find((b) => b.text === '✅ Confirm')!.callback_data!;

    await pressTracked(from, confirmData, confirm.id);
    await pressTracked(from, confirmData, confirm.id);
    const [generation] = await settled(userId);
    expect(await generationsOf(userId)).toHaveLength(1);
    expect(generation).toMatchObject({ status: 'succeeded', price_credits: 27, options: { size: '1024*1024' } });
    expect(await ledger.balance(userId)).toEqual({ balance: 73, reserved: 0, available: 73 });
    expect(answers(from.id).map((c) => c.params.text)).toEqual([undefined, '⏳ Already started.']);

    const photo = await telegram.waitForCall('sendPhoto', (c) => String(c.params.chat_id) === String(from.id));
    expect(photo.params.caption).toBe('✅ Ready · Seedream 4.0');
    expect(wavespeed.lastSubmit()!.body).toMatchObject({ prompt: 'a fox in the snow', size: '1024*1024' });
    // The confirm message became the progress message.
    await telegram.waitForCall('editMessageText', (c) => Number(c.params.message_id) === confirm.id && c.params.text === '✅ Ready · Seedream 4.0');
  });

  it('says how many credits are missing and offers Buy, and the same Confirm works after buying', async () => {
    const { from, userId } = await newUser(10, { language_code: 'ru' });
    await deliver(messageUpdate(from, '/create'));
    await press(from, 'Qwen Image');
    // The default value is marked.
    await press(from, '• 1024*1024');
    await deliver(messageUpdate(from, 'кот'));
    await press(from, '➡️ Без фото');
    const { data, messageId } = await press(from, '✅ Подтвердить');
    const refused = last(from.id);
    expect(refused.text).toContain('💸 Недостаточно кредитов: нужно 20 кредитов, у вас 10 кредитов. Не хватает: 10 кредитов.');
    expect(refused.buttons.map((b) => b.callback_data)).toContain('menu:buy');
    expect(await generationsOf(userId)).toEqual([]);
    expect(await ledger.balance(userId)).toEqual({ balance: 10, reserved: 0, available: 10 });

    await ledger.transfer({ idempotencyKey: randomUUID(), from: { system: 'purchases' }, to: { userId }, amount: 10, kind: 'purchase' });
    await deliver(callbackUpdate(from, data, messageId));
    await settled(userId);
    expect(await ledger.balance(userId)).toEqual({ balance: 0, reserved: 0, available: 0 });
  });

  it('runs a tool on a photo the user sends, refusing a file that is not an image', async () => {
    const { from, userId } = await newUser(25);
    await deliver(messageUpdate(from, '/tools'));
    expect(last(from.id).text).toBe('🖼 Send the photo to improve.');
    await deliver(photoUpdate(from, telegram.addFile(Buffer.from('not an image at all'))));
    expect(last(from.id).text).toBe('⚠️ This is not an image I can use (JPEG, PNG or WebP).');

    await deliver(photoUpdate(from, telegram.addFile(wavespeed.png)));
    expect(last(from.id).text).toBe('🛠 What should I do with this photo?');
    expect(last(from.id).buttons.map((b) => b.text)).toEqual(
      expect.arrayContaining(['Watermark remover · 12 credits', 'Upscaler · 60 credits', 'Photo restoration · 20 credits']),
    );
    await press(from, 'Photo restoration');
    expect(last(from.id).text).toBe('Choose the mode:');
    await press(from, 'Dust-Scratch V2');
    expect(last(from.id).text).toBe('🧾 Photo restoration\n⚙️ mode: Dust-Scratch V2\n🖼 Photos: 1\n💰 Price: 20 credits');
    await press(from, '✅ Confirm');
    const [generation] = await settled(userId);
    expect(generation).toMatchObject({ status: 'succeeded', price_credits: 20, options: { model: 'Dust-Scratch V2' } });
    expect(await ledger.balance(userId)).toEqual({ balance: 5, reserved: 0, available: 5 });
    await telegram.waitForCall('sendPhoto', (c) => String(c.params.chat_id) === String(from.id));
  });

  it('brings a drawing sent outside any flow to life as four images, the first time free, then says what is missing', async () => {
    const { from, userId } = await newUser(0, { trial: true });
    const drawing = photoUpdate(from, telegram.addFile(wavespeed.png));
    await deliver(drawing);
    const [generation] = await settled(userId);
    expect(generation).toMatchObject({ status: 'succeeded', price_credits: 0, options: { count: 4 } });
    const album = await telegram.waitForCall('sendMediaGroup', (c) => String(c.params.chat_id) === String(from.id));
    expect(album.params.media).toHaveLength(4);
    expect(album.params.reply_parameters).toMatchObject({ message_id: drawing.message.message_id });
    expect(await ledger.balance(userId)).toEqual({ balance: 0, reserved: 0, available: 0 });

    await deliver(photoUpdate(from, telegram.addFile(wavespeed.png)));
    const refused = last(from.id);
    expect(refused.text).toBe('💸 Not enough credits: this costs 1 credit, you have 0 credits. Missing: 1 credit.');
    expect(refused.buttons.map((b) => b.callback_data)).toEqual(['menu:buy']);
    expect(await generationsOf(userId)).toHaveLength(1);
  });

  it('refuses a second generation from the chat while one is going, when the setting says so', async () => {
    const { from, userId } = await newUser(0);
    // A generation parked for payment is one that is not finished, without a provider to race.
    await bot.get(GenerationsService).submit({ userId, model: 'qwen', prompt: 'x', source: 'bot', chatId: String(from.id), waitForPayment: true });
    await deliver(photoUpdate(from, telegram.addFile(wavespeed.png)));
    expect(last(from.id).text).toBe('⏳ Your previous generation is still running. Please wait for it to finish.');

    await bot.get(SettingsService).set({ bot_one_generation_at_a_time: false });
    try {
      await deliver(photoUpdate(from, telegram.addFile(wavespeed.png)));
      expect(last(from.id).text).toBe('💸 Not enough credits: this costs 1 credit, you have 0 credits. Missing: 1 credit.');
    } finally {
      await bot.get(SettingsService).set({ bot_one_generation_at_a_time: true });
    }
  });

  it('offers the tools and the drawing for a photo when the operator chose `choose`', async () => {
    const { from } = await newUser(0);
    await bot.get(SettingsService).set({ bot_default_photo_action: 'choose' });
    try {
      await deliver(photoUpdate(from, telegram.addFile(wavespeed.png)));
    } finally {
      await bot.get(SettingsService).set({ bot_default_photo_action: 'drawing' });
    }
    expect(last(from.id).text).toBe('🛠 What should I do with this photo?');
    expect(last(from.id).buttons[0].text).toBe('🧸 Bring the drawing to life · 1 credit');
  });

  it('answers a model button from a step the flow has left as expired, and pages through the models', async () => {
    const { from } = await newUser(0);
    await deliver(messageUpdate(from, '/create'));
    const first = last(from.id);
    await press(from, '▶️');
    const second = last(from.id);
    expect(second.id).toBe(first.id);
    expect(second.buttons.map((b) => b.text)).toContain('◀️');
    await press(from, '◀️');
    await press(from, 'Seedream 4.0');
    const stale = first.buttons.find((b) => b.text.startsWith('Nano Banana ·'))!;
    await deliver(callbackUpdate(from, stale.callback_data!, first.id));
    expect(telegram.calls('answerCallbackQuery').at(-1)!.params.text).toBe('⌛ This menu has expired. Here is a fresh one.');
    expect(last(from.id).text).toBe('⌛ This menu has expired. Here is a fresh one.');
    expect(sent(from.id, 'sendPhoto')).toEqual([]);
  });
});
