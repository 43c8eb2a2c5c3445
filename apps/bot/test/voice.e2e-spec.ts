import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { DataSource } from 'typeorm';
import {
  FakeElevenLabs,
  FakeTelegramApi,
  TEST_WEBHOOK_SECRET,
  callbackUpdate,
  messageUpdate,
  testConfig,
  uniqueTelegramId,
  voiceUpdate,
} from '@genbot/testing';
import { bootstrapBot } from '../src/bootstrap';
import { FlowRouter } from '../src/flows/flow-router';
import { MAX_VOICE_BYTES } from '../src/handlers/voice.handler';
import { botWebhookEnv, handled, uniqueBotToken } from './queued-updates';

type Button = { text: string; callback_data?: string };

/** OGG's capture pattern and some bytes: the fakes check the type and that bytes came, not the codec. */
const clip = () => Buffer.concat([Buffer.from('OggS'), Buffer.alloc(200, Math.floor(Math.random() * 255))]);

async function startBot(telegram: FakeTelegramApi, env: Record<string, string> = {}): Promise<NestFastifyApplication> {
  return bootstrapBot(
    testConfig({
      ...botWebhookEnv(telegram),
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
  /** The latest message the chat shows, with its latest edit applied. */
  const lastShown = (chatId: number) => {
    const shown = new Map<number, { text: string; buttons: Button[] }>();
    for (const call of telegram.sentTo(chatId)) {
      if (call.method !== 'sendMessage' && call.method !== 'editMessageText') continue;
      const id = call.method === 'sendMessage' ? (call.response as { result: { message_id: number } }).result.message_id : Number(call.params.message_id);
      shown.set(id, {
        text: String(call.params.text),
        buttons: (call.params.reply_markup as { inline_keyboard?: Button[][] } | undefined)?.inline_keyboard?.flat() ?? [],
      });
    }
    return [...shown.values()].at(-1)!;
  };
  /** Presses the button whose text starts with `label` on the latest message that has one. */
  const press = async (from: { id: number; language_code?: string }, label: string) => {
    const messages = telegram.sentTo(from.id).filter((call) => call.method === 'sendMessage' || call.method === 'editMessageText');
    for (const call of [...messages].reverse()) {
      const button = ((call.params.reply_markup as { inline_keyboard?: Button[][] } | undefined)?.inline_keyboard?.flat() ?? []).find((b) =>
        b.text.startsWith(label),
      );
      if (!button) continue;
      const messageId =
        call.method === 'sendMessage' ? (call.response as { result: { message_id: number } }).result.message_id : Number(call.params.message_id);
      return deliver(callbackUpdate(from, button.callback_data!, messageId));
    }
    throw new Error(`no button "${label}" on screen`);
  };
  const logsOf = async (telegramId: number) =>
    (await db.query(
      `SELECT v.transcript, v.intent, v.outcome, v.provider, v.duration_seconds FROM voice_command_logs v JOIN users u ON u.id = v.user_id
       WHERE u.telegram_id = $1 ORDER BY v.created_at, v.id`,
      [telegramId],
    )) as { transcript: string | null; intent: string | null; outcome: string; provider: string | null; duration_seconds: number }[];
  const sendVoice = async (id: number, language_code: string, bytes = clip(), duration = 3) => {
    await deliver(voiceUpdate({ id, language_code }, telegram.addFile(bytes, 'oga'), duration));
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

  it('starts the create flow for "create", in Uzbek', async () => {
    const id = uniqueTelegramId();
    elevenlabs.speech.hear('Rasm yarat');

    await sendVoice(id, 'uz');

    expect(textsTo(id)).toEqual(['🎤 «Rasm yarat»', '🎨 Modelni tanlang:']);
    expect(await logsOf(id)).toEqual([expect.objectContaining({ intent: 'create', outcome: 'intent' })]);
  });

  it("uses the transcript as the create flow's prompt", async () => {
    const from = { id: uniqueTelegramId(), language_code: 'en' };
    await deliver(messageUpdate(from, '/create'));
    await press(from, 'Local sketch');
    // Every option keeps its default (the marked button) until the flow asks for the prompt.
    while (!lastShown(from.id).text.includes('describe what to create')) await press(from, '•');
    elevenlabs.speech.hear('A red fox in the snow, watercolor');

    await sendVoice(from.id, 'en');

    const confirm = lastShown(from.id);
    expect(confirm.text).toContain('✍️ A red fox in the snow, watercolor');
    expect(confirm.buttons.map((b) => b.text)).toContain('✅ Confirm');
    expect(await logsOf(from.id)).toEqual([expect.objectContaining({ transcript: 'A red fox in the snow, watercolor', intent: null, outcome: 'flow_input' })]);
  });

  it('gives the transcript to any active flow as its step text', async () => {
    const id = uniqueTelegramId();
    await deliver(messageUpdate({ id, language_code: 'en' }, '/start'));
    const [{ id: userId }] = await db.query('SELECT id FROM users WHERE telegram_id = $1', [id]);
    await app.get(FlowRouter).store.start(userId, 'voice-e2e', 'prompt', {});
    elevenlabs.speech.hear('Once upon a time');

    await sendVoice(id, 'en');

    expect(prompts.get(id)).toBe('Once upon a time');
    expect(textsTo(id).slice(-2)).toEqual(['🎤 «Once upon a time»', 'prompt saved: Once upon a time']);
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
      await webhook(bareApp)(voiceUpdate({ id, language_code: 'ru' }, bare.addFile(clip(), 'oga'), 2));

      expect(bare.sentTo(id).map((call) => call.params.text)).toEqual(['🎤 Голосовые сообщения в этом боте пока не настроены. Пожалуйста, напишите текстом.']);
      expect(bare.calls('getFile')).toEqual([]);
      expect(await logsOf(id)).toEqual([{ transcript: null, intent: null, outcome: 'not_configured', provider: null, duration_seconds: 2 }]);
    });
  });
});
