import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { FakeElevenLabs, FakeTelegramApi, TEST_WEBHOOK_SECRET, messageUpdate, testConfig, uniqueTelegramId, voiceUpdate } from '@genbot/testing';
import { bootstrapBot } from '../src/bootstrap';
import { FlowRouter } from '../src/flows/flow-router';
import { MAX_VOICE_BYTES } from '../src/handlers/voice.handler';
import { handled, uniqueBotToken } from './queued-updates';

/** OGG's capture pattern and some bytes: the fakes check the type and that bytes came, not the codec. */
const clip = () => Buffer.concat([Buffer.from('OggS'), Buffer.alloc(200, Math.floor(Math.random() * 255))]);

async function startBot(telegram: FakeTelegramApi, env: Record<string, string> = {}): Promise<NestFastifyApplication> {
  return bootstrapBot(
    testConfig({
      BOT_TOKEN: telegram.token,
      BOT_USERNAME: telegram.botUsername,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      TELEGRAM_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
      BOT_MODE: 'webhook',
      BOT_WEBHOOK_URL: 'https://bot.example.com/telegram/webhook',
      ...env,
    }),
    { port: 0 },
  );
}

function webhook(app: NestFastifyApplication) {
  const http = request(app.getHttpServer());
  return async (update: { update_id: number }) => {
    await http.post('/telegram/webhook').set('X-Telegram-Bot-Api-Secret-Token', TEST_WEBHOOK_SECRET).send(update).expect(200);
    await handled(app, update.update_id);
  };
}

describe('bot: voice messages (seed 004)', () => {
  let telegram: FakeTelegramApi;
  let elevenlabs: FakeElevenLabs;
  let app: NestFastifyApplication;
  let deliver: (update: { update_id: number }) => Promise<void>;
  let db: DataSource;
  /** What a flow step received as text, per chat. */
  const prompts = new Map<number, string>();

  beforeAll(async () => {
    telegram = await FakeTelegramApi.start({ token: uniqueBotToken() });
    elevenlabs = await FakeElevenLabs.start();
    app = await startBot(telegram, { ELEVENLABS_API_KEY: elevenlabs.apiKey, ELEVENLABS_BASE_URL: elevenlabs.baseUrl });
    deliver = webhook(app);
    db = app.get(DataSource);
    // A flow whose step takes text, as the create flow's prompt step does.
    app.get(FlowRouter).register('voice-e2e', {
      text: async (ctx, _state, text) => {
        prompts.set(ctx.chat!.id, text);
        await ctx.reply(`prompt saved: ${text}`);
        return true;
      },
    });
  });
  beforeEach(() => elevenlabs.reset());
  afterAll(async () => {
    await app.close();
    await telegram.close();
    await elevenlabs.close();
  });

  const textsTo = (chatId: number) => telegram.sentTo(chatId).map((call) => String(call.params.text));
  const logsOf = async (telegramId: number) =>
    (await db.query(
      `SELECT v.transcript, v.intent, v.outcome, v.provider, v.duration_seconds FROM voice_command_logs v JOIN users u ON u.id = v.user_id
       WHERE u.telegram_id = $1 ORDER BY v.created_at, v.id`,
      [telegramId],
    )) as { transcript: string | null; intent: string | null; outcome: string; provider: string | null; duration_seconds: number }[];
  const sendVoice = async (id: number, language_code: string, bytes = clip(), duration = 3) => {
    await deliver(voiceUpdate({ id, language_code }, telegram.addFile(bytes, { folder: 'voice', extension: 'oga' }), duration));
    return bytes;
  };

  it('transcribes a voice message outside a flow and acts on its intent: a balance in Russian', async () => {
    const id = uniqueTelegramId();
    elevenlabs.speech.hear('Покажи мой баланс');

    const bytes = await sendVoice(id, 'ru');

    expect(textsTo(id)).toEqual(['🎤 «Покажи мой баланс»', '💰 Ваш баланс: 0 кредитов']);
    const [stt] = elevenlabs.calls('stt');
    expect(stt).toMatchObject({ fields: { model_id: 'scribe_v1' }, file: { contentType: 'audio/ogg', data: bytes } });
    expect(telegram.calls('getFile')).toEqual(
      expect.arrayContaining([expect.objectContaining({ params: expect.objectContaining({ file_id: expect.any(String) }) })]),
    );
    expect(await logsOf(id)).toEqual([{ transcript: 'Покажи мой баланс', intent: 'balance', outcome: 'intent', provider: 'elevenlabs', duration_seconds: 3 }]);
  });

  it('offers the create button for "create", in Uzbek', async () => {
    const id = uniqueTelegramId();
    elevenlabs.speech.hear('Rasm yarat');

    await sendVoice(id, 'uz');

    const [, offer] = telegram.sentTo(id);
    expect(offer.params.text).toBe('Keling, yarataylik: modelni tanlash uchun tugmani bosing.');
    expect((offer.params.reply_markup as { inline_keyboard: { callback_data: string }[][] }).inline_keyboard.flat().map((b) => b.callback_data)).toEqual([
      'menu:create',
    ]);
  });

  it('gives the transcript to the active flow as its step text', async () => {
    const id = uniqueTelegramId();
    await deliver(messageUpdate({ id, language_code: 'en' }, '/start'));
    const [{ id: userId }] = await db.query('SELECT id FROM users WHERE telegram_id = $1', [id]);
    await app.get(FlowRouter).store.start(userId, 'voice-e2e', 'prompt', {});
    elevenlabs.speech.hear('A red fox in the snow, watercolor');

    await sendVoice(id, 'en');

    expect(prompts.get(id)).toBe('A red fox in the snow, watercolor');
    expect(textsTo(id).slice(-2)).toEqual(['🎤 «A red fox in the snow, watercolor»', 'prompt saved: A red fox in the snow, watercolor']);
    expect(await logsOf(id)).toEqual([expect.objectContaining({ transcript: 'A red fox in the snow, watercolor', intent: null, outcome: 'flow_input' })]);
  });

  it('answers words that match no command with a hint and the menu', async () => {
    const id = uniqueTelegramId();
    elevenlabs.speech.hear('Good evening');

    await sendVoice(id, 'en');

    const [, hint] = telegram.sentTo(id);
    expect(hint.params.text).toContain('didn’t recognise a command');
    expect(JSON.stringify(hint.params.reply_markup)).toContain('menu:create');
    expect(await logsOf(id)).toEqual([expect.objectContaining({ transcript: 'Good evening', intent: null, outcome: 'no_match' })]);
  });

  it('says so when it hears no words, when the provider fails, and when the clip is too large (never sending that one)', async () => {
    const id = uniqueTelegramId();
    elevenlabs.speech.hear('');
    await sendVoice(id, 'en');
    elevenlabs.failNext('http500', { on: 'stt' });
    await sendVoice(id, 'en');
    await sendVoice(id, 'en', Buffer.alloc(MAX_VOICE_BYTES + 1, 1), 400);

    expect(textsTo(id)).toEqual([
      '🎤 I didn’t hear any words in that voice message. Please try again.',
      '🎤 I couldn’t make out that voice message just now. Please try again or type it.',
      '🎤 That voice message is too long. Please keep it under a few minutes, or type it.',
    ]);
    expect(elevenlabs.calls('stt')).toHaveLength(2);
    expect((await logsOf(id)).map((log) => log.outcome)).toEqual(['empty', 'failed', 'too_large']);
  });

  describe('without a speech-to-text key', () => {
    let bare: FakeTelegramApi;
    let bareApp: NestFastifyApplication;

    beforeAll(async () => {
      bare = await FakeTelegramApi.start({ token: uniqueBotToken() });
      bareApp = await startBot(bare);
    });
    afterAll(async () => {
      await bareApp.close();
      await bare.close();
    });

    it('says voice is not configured, in the user’s language, and logs it', async () => {
      const id = uniqueTelegramId();
      await webhook(bareApp)(voiceUpdate({ id, language_code: 'ru' }, bare.addFile(clip()), 2));

      expect(bare.sentTo(id).map((call) => call.params.text)).toEqual(['🎤 Голосовые сообщения в этом боте пока не настроены. Пожалуйста, напишите текстом.']);
      expect(bare.calls('getFile')).toEqual([]);
      expect(await logsOf(id)).toEqual([{ transcript: null, intent: null, outcome: 'not_configured', provider: null, duration_seconds: 2 }]);
    });
  });
});
