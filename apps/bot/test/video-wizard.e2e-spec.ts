import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { LedgerService } from '@genbot/ledger';
import {
  FakeElevenLabs,
  FakeFal,
  FakeTelegramApi,
  FakeWavespeed,
  RecordedCall,
  callbackUpdate,
  eventually,
  freePort,
  messageUpdate,
  testConfig,
  uniqueTelegramId,
} from '@genbot/testing';
import { bootstrapWorker } from '../../worker/src/bootstrap';
import { bootstrapBot } from '../src/bootstrap';
import { botWebhookEnv, uniqueBotToken, webhookDelivery } from './queued-updates';

type Button = { text: string; callback_data?: string };

/**
 * Seed 000's wizard through the webhook, as a user goes through it: gender → age → gallery →
 * an edit kept → script → voice (second page) → confirm → the video in the chat, against the fake
 * Bot API, ElevenLabs, fal and Wavespeed (the edit), with a real worker running the generations.
 */
describe('bot: the talking-head video wizard', () => {
  let telegram: FakeTelegramApi;
  let elevenlabs: FakeElevenLabs;
  let fal: FakeFal;
  let wavespeed: FakeWavespeed;
  let bot: NestFastifyApplication;
  let worker: NestFastifyApplication;
  let dataDir: string;

  beforeAll(async () => {
    telegram = await FakeTelegramApi.start({ token: uniqueBotToken() });
    elevenlabs = await FakeElevenLabs.start();
    fal = await FakeFal.start();
    wavespeed = await FakeWavespeed.start();
    fal.setOutputKind('video');
    dataDir = mkdtempSync(join(tmpdir(), 'genbot-wizard-'));
    const port = await freePort();
    const config = testConfig({
      ...botWebhookEnv(telegram),
      BOT_WEBHOOK_URL: 'https://bot.example.com/telegram/webhook',
      ELEVENLABS_API_KEY: elevenlabs.apiKey,
      ELEVENLABS_BASE_URL: elevenlabs.baseUrl,
      FAL_KEY: fal.apiKey,
      FAL_BASE_URL: fal.baseUrl,
      WAVESPEED_API_KEY: wavespeed.apiKey,
      WAVESPEED_BASE_URL: wavespeed.baseUrl,
      // One storage for the bot and the worker, as one bucket would be.
      DATA_DIR: dataDir,
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
      FILE_URL_SECRET: 'w'.repeat(40),
    });
    bot = await bootstrapBot(config, { port: 0 });
    worker = await bootstrapWorker(config, { port: 0 });
  });
  afterAll(async () => {
    await worker?.close();
    await bot?.close();
    for (const fake of [telegram, elevenlabs, fal, wavespeed]) await fake.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const deliver = webhookDelivery(() => bot);
  const keyboardOf = (call: RecordedCall): Button[] =>
    ((call.params.reply_markup as { inline_keyboard?: Button[][] } | undefined)?.inline_keyboard ?? []).flat();
  /** The last message to the chat with a button whose text contains `label`, and that button. */
  function find(chatId: number, label: string): { call: RecordedCall; button: Button } {
    const calls = telegram.sentTo(chatId).filter((c) => keyboardOf(c).some((b) => b.text.includes(label)));
    const call = calls.at(-1);
    if (!call)
      throw new Error(
        `no button "${label}" in: ${telegram
          .sentTo(chatId)
          .map((c) => `${c.method} ${String(c.params.text ?? '')}`)
          .join(' | ')}`,
      );
    return { call, button: keyboardOf(call).find((b) => b.text.includes(label))! };
  }
  /** The id of the message a button sits on: the one sent, or the one edited. */
  const messageIdOf = (call: RecordedCall): number => {
    const result = call.response.ok ? (call.response.result as { message_id?: number }) : undefined;
    return Number(result?.message_id ?? call.params.message_id ?? 1);
  };
  async function press(chatId: number, label: string): Promise<void> {
    const { call, button } = find(chatId, label);
    await deliver(callbackUpdate({ id: chatId, language_code: 'en' }, button.callback_data!, messageIdOf(call)));
  }
  const say = (chatId: number, text: string) => deliver(messageUpdate({ id: chatId, language_code: 'en' }, text));
  // The bot's own messages: the worker edits its progress messages meanwhile, on its own time.
  const lastText = (chatId: number) => String(telegram.lastSentText(chatId));
  const lastEdit = (chatId: number) =>
    String(
      telegram
        .sentTo(chatId)
        .filter((c) => c.method === 'editMessageText')
        .at(-1)?.params.text,
    );
  const answers = () => telegram.calls('answerCallbackQuery');

  async function fundedUser(chatId: number, credits: number): Promise<string> {
    await say(chatId, '/start');
    const [user] = await bot.get(DataSource).query('SELECT id FROM users WHERE telegram_id = $1', [chatId]);
    const ledger = bot.get(LedgerService);
    if (credits > 0)
      await ledger.transfer({ idempotencyKey: randomUUID(), from: { system: 'purchases' }, to: { userId: user.id }, amount: credits, kind: 'purchase' });
    return user.id;
  }

  it('goes from gender to a delivered video, an edit kept on the way, and charges the video once', async () => {
    const chatId = uniqueTelegramId();
    const userId = await fundedUser(chatId, 5);
    const answered = answers().length;

    await say(chatId, '/video');
    expect(lastText(chatId)).toContain('Choose the character’s gender');
    await press(chatId, 'Female');
    expect(lastEdit(chatId)).toContain('Choose the character’s age');
    await press(chatId, 'Young');
    const album = telegram
      .sentTo(chatId)
      .filter((c) => c.method === 'sendMediaGroup')
      .at(-1)!;
    const captions = (album.params.media as { caption: string }[]).map((m) => m.caption);
    expect(captions).toEqual(['1. Laylo', '2. Madina']);
    expect(album.files).toHaveLength(2);
    expect(lastText(chatId)).toBe('Pick a character (page 1 of 1):');

    await press(chatId, '2. Madina');
    const chosen = telegram
      .sentTo(chatId)
      .filter((c) => c.method === 'sendPhoto')
      .at(-1)!;
    expect(chosen.params.caption).toBe('✅ Madina');
    // Nano Banana's first use is the user's free trial.
    expect(lastText(chatId)).toContain('(this edit is free; 0 of 5 used)');

    // The edit: an image-to-image generation of the portrait, delivered, then kept.
    await say(chatId, 'give her round glasses');
    expect(lastText(chatId)).toContain('Editing (1 of 5)');
    const edit = await eventually(
      async () => wavespeed.lastSubmit(),
      (call) => call !== undefined,
    );
    expect(edit!.body).toMatchObject({ prompt: 'give her round glasses' });
    await telegram.waitForCall('sendPhoto', (c) => String(c.params.chat_id) === String(chatId) && String(c.params.caption).includes('Ready'), 15_000);
    await eventually(
      async () => (await bot.get(DataSource).query(`SELECT status FROM generations WHERE user_id = $1 AND mode = 'i2i'`, [userId]))[0]?.status,
      (status) => status === 'succeeded',
    );
    await press(chatId, 'Keep');
    expect(lastText(chatId)).toContain('Kept. Edits so far: 1.');

    await press(chatId, 'Continue');
    expect(lastText(chatId)).toContain('Send the text the character will say');
    await say(chatId, 'Salom! Bugun sizga yangi mahsulotimiz haqida gapiraman.');
    const samples = telegram.sentTo(chatId).filter((c) => c.method === 'sendAudio');
    expect(samples.map((c) => c.params.caption)).toEqual(['1. Rachel', '2. Sarah', '3. Elli', '4. Dorothy', '5. Grace']);
    expect(String(samples[0].params.audio)).toBe(`${elevenlabs.baseUrl}/previews/21m00Tcm4TlvDq8ikWAM.mp3`);
    expect(lastText(chatId)).toBe('🎙 Listen to the samples above and choose a voice (page 1 of 2):');
    await press(chatId, 'Next');
    expect(lastText(chatId)).toContain('page 2 of 2');
    await press(chatId, '1. Nicole');
    expect(lastText(chatId)).toContain('Voice: Nicole');
    expect(lastText(chatId)).toContain('Character: Madina (1 edit)');
    expect(lastText(chatId)).toContain('Price: 1 credit. Available: 5 credits.');
    const [{ selected_voice_id }] = await bot.get(DataSource).query('SELECT selected_voice_id FROM users WHERE id = $1', [userId]);
    expect(selected_voice_id).toBe('piTKgcLEGmPE4e6mEKli');

    const confirm = find(chatId, 'Create the video');
    await press(chatId, 'Create the video');
    const video = await telegram.waitForCall('sendVideo', (c) => String(c.params.chat_id) === String(chatId), 20_000);
    expect(video.files[0].size).toBeGreaterThan(0);
    expect(elevenlabs.lastTts()).toMatchObject({
      path: '/v1/text-to-speech/piTKgcLEGmPE4e6mEKli',
      body: { text: 'Salom! Bugun sizga yangi mahsulotimiz haqida gapiraman.' },
    });
    // The video speaks from the edited portrait, not the original.
    expect(String(fal.lastSubmit()!.body!.source_image_url)).toContain(`/users/${userId}/results/`);

    // A second tap on the same confirm button is an expired menu, not a second video.
    await deliver(callbackUpdate({ id: chatId, language_code: 'en' }, confirm.button.callback_data!, messageIdOf(confirm.call)));
    expect(lastText(chatId)).toContain('This menu has expired');

    const charges = await bot
      .get(DataSource)
      .query(`SELECT amount::int, phase FROM ledger_transfers WHERE debit_account_id = $1 AND kind = 'generation' ORDER BY created_at`, [userId]);
    // One charge: the video's hold, captured once (the edit was the free trial).
    expect(charges).toEqual([
      { amount: 1, phase: 'pending' },
      { amount: 1, phase: 'post' },
    ]);
    expect(await bot.get(LedgerService).balance(userId)).toEqual({ balance: 4, reserved: 0, available: 4 });
    const generations = await bot.get(DataSource).query(`SELECT mode, status FROM generations WHERE user_id = $1 ORDER BY created_at`, [userId]);
    expect(generations).toEqual([
      { mode: 'i2i', status: 'succeeded' },
      { mode: 'talking_head', status: 'succeeded' },
    ]);
    // Every button pressed was answered (Telegram shows a spinner otherwise).
    expect(answers().length - answered).toBe(9);
  });

  it('offers the user’s last voice on its page, starred, and says what is missing without credits', async () => {
    const chatId = uniqueTelegramId();
    const userId = await fundedUser(chatId, 0);
    await bot.get(DataSource).query(`UPDATE users SET selected_voice_id = 'piTKgcLEGmPE4e6mEKli' WHERE id = $1`, [userId]);
    await say(chatId, '/start'); // the cached user picks up the voice
    await say(chatId, '/video');
    await press(chatId, 'Female');
    await press(chatId, 'Young');
    await press(chatId, '1. Laylo');
    await press(chatId, 'Continue');
    await say(chatId, 'Hello there');
    expect(lastText(chatId)).toContain('page 2 of 2');
    expect(find(chatId, 'Nicole').button.text).toBe('1. Nicole ⭐');
    await press(chatId, 'Nicole');
    await press(chatId, 'Create the video');
    expect(lastEdit(chatId)).toBe('Not enough credits: this costs 1 credit, you have 0 credits. 1 credit missing.');
    expect(find(chatId, 'Buy credits').button.callback_data).toBe('menu:buy');
    expect(
      await bot
        .get(LedgerService)
        .balance(userId)
        .catch(() => ({ balance: 0, reserved: 0, available: 0 })),
    ).toEqual({ balance: 0, reserved: 0, available: 0 });
    expect(await bot.get(DataSource).query(`SELECT id FROM generations WHERE user_id = $1`, [userId])).toEqual([]);
  });

  it('answers Keep with “still editing” while the edit runs, and Revert brings the original back', async () => {
    const chatId = uniqueTelegramId();
    await fundedUser(chatId, 0);
    await say(chatId, '/video');
    await press(chatId, 'Male');
    await press(chatId, 'Elderly');
    expect(
      (
        telegram
          .sentTo(chatId)
          .filter((c) => c.method === 'sendMediaGroup')
          .at(-1)!.params.media as { caption: string }[]
      ).length,
    ).toBe(2);
    await press(chatId, '1. Karim');
    wavespeed.completeAfterPolls(1000);
    try {
      await say(chatId, 'add a hat');
      expect(lastText(chatId)).toContain('Editing (1 of 5)');
      await press(chatId, 'Keep');
      expect(answers().at(-1)!.params.text).toBe('⏳ Still editing, one moment…');
      await press(chatId, 'Revert');
      const photo = telegram
        .sentTo(chatId)
        .filter((c) => c.method === 'sendPhoto')
        .at(-1)!;
      expect(photo.params.caption).toBe('↩️ Back to the original character.');
      // The edit was the free trial; the next one would cost Nano Banana's price.
      expect(lastText(chatId)).toContain('an edit costs 38 credits; 1 of 5 used');
      await press(chatId, 'Continue');
      expect(lastText(chatId)).toContain('Send the text the character will say');
    } finally {
      wavespeed.completeAfterPolls(1);
    }
  });

  it('cancels at any step back to the menu, and an old button of the wizard is expired', async () => {
    const chatId = uniqueTelegramId();
    await fundedUser(chatId, 0);
    await say(chatId, '/video');
    const gender = find(chatId, 'Male');
    await press(chatId, 'Male');
    await press(chatId, 'Cancel');
    expect(lastText(chatId)).toBe('Video cancelled.');
    await deliver(callbackUpdate({ id: chatId, language_code: 'en' }, gender.button.callback_data!, messageIdOf(gender.call)));
    expect(lastText(chatId)).toContain('This menu has expired');
  });
});
