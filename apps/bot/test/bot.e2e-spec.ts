import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { FakeTelegramApi, TEST_WEBHOOK_SECRET, callbackUpdate, messageUpdate, myChatMemberUpdate, testConfig, uniqueTelegramId } from '@genbot/testing';
import { LedgerService } from '@genbot/ledger';
import { bootstrapBot } from '../src/bootstrap';
import { botWebhookEnv, handled, uniqueBotToken } from './queued-updates';

describe('bot: webhook, /start, /help, /language', () => {
  let telegram: FakeTelegramApi;
  let app: NestFastifyApplication;
  let http: ReturnType<typeof request>;
  let db: DataSource;

  beforeAll(async () => {
    telegram = await FakeTelegramApi.start({ token: uniqueBotToken() });
    app = await bootstrapBot(
      testConfig({
        ...botWebhookEnv(telegram),
        BOT_WEBHOOK_URL: 'https://bot.example.com/telegram/webhook',
        MINI_APP_URL: 'https://app.example.com',
      }),
      { port: 0 },
    );
    http = request(app.getHttpServer());
    db = app.get(DataSource);
  });
  afterAll(async () => {
    await app.close();
    await telegram.close();
  });

  const post = (update: object, secret = TEST_WEBHOOK_SECRET) => http.post('/telegram/webhook').set('X-Telegram-Bot-Api-Secret-Token', secret).send(update);
  /** What Telegram does: POST the update, get the ack; then the bot's processor handles it. */
  const deliver = async (update: { update_id: number }) => {
    await post(update).expect(200);
    await handled(app, update.update_id);
  };
  const userRow = async (telegramId: number) => (await db.query('SELECT * FROM users WHERE telegram_id = $1', [telegramId]))[0];
  const messagesTo = (chatId: number) => telegram.sentTo(chatId).filter((c) => c.method === 'sendMessage');

  it('registers its webhook with the secret and publishes commands in three languages', async () => {
    expect(telegram.webhook).toEqual({ url: 'https://bot.example.com/telegram/webhook', secretToken: TEST_WEBHOOK_SECRET });
    const commands = telegram.calls('setMyCommands');
    expect(commands.map((c) => c.params.language_code ?? 'default').sort()).toEqual(['default', 'en', 'ru', 'uz']);
    const russian = commands.find((c) => c.params.language_code === 'ru')!.params.commands as { command: string }[];
    expect(russian.map((c) => c.command)).toEqual(['start', 'create', 'video', 'tools', 'balance', 'buy', 'invite', 'bonus', 'language', 'help']);
  });

  it('answers /health with plain OK', async () => {
    const res = await http.get('/health').expect(200);
    expect(res.text).toBe('OK');
    expect((await http.get('/health/ready').expect(200)).body).toEqual({ status: 'ok', checks: { database: 'up', redis: 'up' } });
  });

  it('refuses an update without the right secret and processes nothing', async () => {
    const id = uniqueTelegramId();
    const wrong = await post(messageUpdate({ id }, '/start'), 'wrong-secret-000000').expect(401);
    expect(wrong.body.code).toBe('WEBHOOK_SECRET_INVALID');
    await http.post('/telegram/webhook').send(messageUpdate({ id }, '/start')).expect(401);
    expect(await userRow(id)).toBeUndefined();
    expect(messagesTo(id)).toHaveLength(0);
  });

  it('answers a body that is not an update with a 400 and a code', async () => {
    const malformed = await http
      .post('/telegram/webhook')
      .set('X-Telegram-Bot-Api-Secret-Token', TEST_WEBHOOK_SECRET)
      .set('content-type', 'application/json')
      .send('{"update_id": 1,')
      .expect(400);
    expect(malformed.body.code).toBe('MALFORMED_JSON');
    const notUpdate = await post({ message: {} }).expect(400);
    expect(notUpdate.body).toMatchObject({ code: 'VALIDATION_FAILED', details: { fields: [{ field: 'update_id' }] } });
    const raw = (body: string | Buffer, type = 'application/json') =>
      http.post('/telegram/webhook').set('X-Telegram-Bot-Api-Secret-Token', TEST_WEBHOOK_SECRET).set('content-type', type).send(body);
    expect((await raw('').expect(400)).body.code).toBe('VALIDATION_FAILED');
    expect((await raw(`${'['.repeat(10_000)}${']'.repeat(10_000)}`).expect(400)).body.code).toBe('MALFORMED_JSON');
    expect((await raw('update_id=1', 'application/x-www-form-urlencoded').expect(415)).body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const huge = JSON.stringify({ update_id: 1, message: { text: 'x'.repeat(1024 * 1024) } });
    expect((await raw(huge).expect(413)).body.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('/start registers the user and greets them with a menu and the Mini App button', async () => {
    const id = uniqueTelegramId();
    await deliver(messageUpdate({ id, first_name: 'Alice', username: 'alice', language_code: 'en' }, '/start'));
    const row = await userRow(id);
    expect(row).toMatchObject({ username: 'alice', first_name: 'Alice', language_code: 'en' });
    const [greeting] = messagesTo(id);
    expect(greeting.params.text).toContain('Welcome, Alice!');
    const keyboard = (greeting.params.reply_markup as { inline_keyboard: { text: string; web_app?: { url: string }; callback_data?: string }[][] })
      .inline_keyboard;
    expect(keyboard.flat()).toEqual(
      expect.arrayContaining([expect.objectContaining({ text: '🚀 Open the app', web_app: { url: 'https://app.example.com' } })]),
    );
    expect(keyboard.flat().map((button) => button.callback_data ?? 'web_app')).toEqual([
      'web_app',
      'menu:create',
      'menu:video',
      'menu:tools',
      'menu:balance',
      'menu:buy',
      'menu:invite',
      'menu:bonus',
      'menu:language',
      'menu:help',
    ]);
    const activity = await db.query('SELECT updates FROM user_daily_activity WHERE user_id = $1 AND day = current_date', [row.id]);
    expect(activity).toEqual([{ updates: 1 }]);
  });

  it('answers the webhook as every route answers: X-Request-ID, the metrics, and 404 for another method', async () => {
    const id = uniqueTelegramId();
    const ack = await post(messageUpdate({ id }, '/help')).set('X-Request-ID', 'webhook-request-1').expect(200);
    expect(ack.body).toEqual({ ok: true });
    expect(ack.headers['x-request-id']).toBe('webhook-request-1');
    const refused = await post(messageUpdate({ id }, '/help'), 'wrong-secret-000000').expect(401);
    expect(refused.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect((await http.get('/telegram/webhook').expect(404)).body.code).toBe('NOT_FOUND');
    const metrics = (await http.get('/metrics').expect(200)).text;
    expect(metrics).toMatch(/genbot_http_request_duration_seconds_count\{[^}]*route="\/telegram\/webhook"[^}]*status="200"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/genbot_http_request_duration_seconds_count\{[^}]*route="\/telegram\/webhook"[^}]*status="401"[^}]*\} [1-9]/);
  });

  it('processes an update delivered twice only once', async () => {
    const id = uniqueTelegramId();
    const update = messageUpdate({ id, first_name: 'Bob' }, '/start');
    await deliver(update);
    await deliver(update);
    expect(messagesTo(id)).toHaveLength(1);
  });

  it('acks each update at once and answers one chat in the order its updates came', async () => {
    const id = uniqueTelegramId();
    const updates = ['/help', '/balance', '/language', '/help', '/balance'].map((text) => messageUpdate({ id, language_code: 'en' }, text));
    // Acked back to back, before any is handled: the processor keeps the chat's order.
    for (const update of updates) await post(update).expect(200);
    await handled(app, updates.at(-1)!.update_id);
    const texts = messagesTo(id).map((call) => String(call.params.text).split('\n')[0]);
    expect(texts).toEqual(['Commands:', '💰 Your balance: 0 credits', 'Choose your language:', 'Commands:', '💰 Your balance: 0 credits']);
  });

  it('links a ref_ referrer once, on first registration only, and never to oneself', async () => {
    const inviterId = uniqueTelegramId();
    await deliver(messageUpdate({ id: inviterId }, '/start'));
    const inviter = await userRow(inviterId);

    const inviteeId = uniqueTelegramId();
    await deliver(messageUpdate({ id: inviteeId }, `/start ref_${inviter.referral_code}`));
    expect((await userRow(inviteeId)).referrer_id).toBe(inviter.id);

    const otherId = uniqueTelegramId();
    await deliver(messageUpdate({ id: otherId }, '/start'));
    await deliver(messageUpdate({ id: inviteeId }, `/start ref_${(await userRow(otherId)).referral_code}`));
    expect((await userRow(inviteeId)).referrer_id).toBe(inviter.id);

    await deliver(messageUpdate({ id: otherId }, `/start ref_${inviter.referral_code}`));
    expect((await userRow(otherId)).referrer_id).toBeNull();

    await deliver(messageUpdate({ id: inviterId }, `/start ref_${inviter.referral_code}`));
    expect((await userRow(inviterId)).referrer_id).toBeNull();
  });

  it('records a src_ advertising source once', async () => {
    const id = uniqueTelegramId();
    await deliver(messageUpdate({ id }, '/start src_instagram'));
    await deliver(messageUpdate({ id }, '/start src_tiktok'));
    expect((await userRow(id)).advertising_source).toBe('instagram');
  });

  it.each([
    ['en', 'Commands:'],
    ['ru', 'Команды:'],
    ['uz', 'Buyruqlar:'],
  ])('/help answers in %s from the Telegram language', async (language_code, heading) => {
    const id = uniqueTelegramId();
    await deliver(messageUpdate({ id, language_code }, '/help'));
    const [reply] = messagesTo(id);
    expect(reply.params.text).toMatch(new RegExp(`^${heading}`));
    expect(reply.params.text).toContain('/language');
  });

  it('falls back to English for other languages', async () => {
    const id = uniqueTelegramId();
    await deliver(messageUpdate({ id, language_code: 'de' }, '/help'));
    expect(messagesTo(id)[0].params.text).toMatch(/^Commands:/);
  });

  it('/language offers uz / ru / en and the stored choice wins over Telegram’s language', async () => {
    const id = uniqueTelegramId();
    await deliver(messageUpdate({ id, language_code: 'en' }, '/language'));
    const [offer] = messagesTo(id);
    expect(offer.params.text).toBe('Choose your language:');
    const buttons = (offer.params.reply_markup as { inline_keyboard: { callback_data: string }[][] }).inline_keyboard.flat().map((b) => b.callback_data);
    expect(buttons).toEqual(['lang:uz', 'lang:ru', 'lang:en']);

    await deliver(callbackUpdate({ id, language_code: 'en' }, 'lang:ru', (offer.response as { result: { message_id: number } }).result.message_id));
    expect((await userRow(id)).language).toBe('ru');
    const edit = await telegram.waitForCall('editMessageText', (c) => String(c.params.chat_id) === String(id));
    expect(edit.params.text).toBe('✅ Язык изменён на русский.');

    await deliver(messageUpdate({ id, language_code: 'en' }, '/help'));
    expect(messagesTo(id).at(-1)!.params.text).toMatch(/^Команды:/);
  });

  it('/balance shows the balance, and reserved credits when there are any, in the user’s language', async () => {
    const id = uniqueTelegramId();
    await deliver(messageUpdate({ id, language_code: 'ru' }, '/balance'));
    expect(messagesTo(id).at(-1)!.params.text).toBe('💰 Ваш баланс: 0 кредитов');

    const userId = (await userRow(id)).id;
    const ledger = app.get(LedgerService);
    await ledger.transfer({ idempotencyKey: `t:${userId}`, from: { system: 'purchases' }, to: { userId }, amount: 120, kind: 'purchase' });
    await ledger.reserve({ idempotencyKey: `h:${userId}`, userId, amount: 27 });
    await deliver(messageUpdate({ id, language_code: 'ru' }, '/balance'));
    expect(messagesTo(id).at(-1)!.params.text).toBe('💰 Ваш баланс: 120 кредитов\n⏳ Зарезервировано под генерации: 27\n✅ Доступно сейчас: 93');
  });

  it('answers text no flow waits for with a hint and the menu, and still runs commands', async () => {
    const id = uniqueTelegramId();
    await deliver(messageUpdate({ id, language_code: 'ru' }, 'привет'));
    const hint = messagesTo(id).at(-1)!;
    expect(hint.params.text).toBe('🤔 Не понял вас. Выберите действие в меню или отправьте /help.');
    expect(JSON.stringify(hint.params.reply_markup)).toContain('menu:create');
    await deliver(messageUpdate({ id, language_code: 'ru' }, '/nosuchcommand'));
    expect(messagesTo(id).at(-1)!.params.text).toBe(hint.params.text);
    await deliver(messageUpdate({ id, language_code: 'ru' }, '/balance'));
    expect(messagesTo(id).at(-1)!.params.text).toBe('💰 Ваш баланс: 0 кредитов');
  });

  it('answers a button of a flow that is over with “this menu has expired” and a fresh menu', async () => {
    const id = uniqueTelegramId();
    await deliver(messageUpdate({ id, language_code: 'en' }, '/start'));
    await deliver(callbackUpdate({ id, language_code: 'en' }, 'f:create:41:model:seedream-v4'));
    expect(telegram.calls('answerCallbackQuery').at(-1)!.params.text).toBe('⌛ This menu has expired. Here is a fresh one.');
    const menu = messagesTo(id).at(-1)!;
    expect(menu.params.text).toBe('⌛ This menu has expired. Here is a fresh one.');
    expect(JSON.stringify(menu.params.reply_markup)).toContain('menu:buy');
  });

  it('/balance and the Balance button show the same, with plural forms', async () => {
    const id = uniqueTelegramId();
    await deliver(messageUpdate({ id, language_code: 'en' }, '/start'));
    const userId = (await userRow(id)).id;
    await app.get(LedgerService).transfer({ idempotencyKey: `one:${userId}`, from: { system: 'purchases' }, to: { userId }, amount: 1, kind: 'purchase' });
    await deliver(callbackUpdate({ id, language_code: 'en' }, 'menu:balance'));
    expect(messagesTo(id).at(-1)!.params.text).toBe('💰 Your balance: 1 credit');
    expect(telegram.calls('answerCallbackQuery').length).toBeGreaterThan(0);
  });

  it('records when the user blocks the bot, and when they come back', async () => {
    const id = uniqueTelegramId();
    await deliver(messageUpdate({ id }, '/start'));
    expect((await userRow(id)).blocked_at).toBeNull();
    await deliver(myChatMemberUpdate({ id }, 'kicked', telegram.botId));
    expect((await userRow(id)).blocked_at).toBeInstanceOf(Date);
    await deliver(myChatMemberUpdate({ id }, 'member', telegram.botId));
    expect((await userRow(id)).blocked_at).toBeNull();
    expect(messagesTo(id)).toHaveLength(1);
  });

  it('gives a banned user one short message and nothing else', async () => {
    const id = uniqueTelegramId();
    await deliver(messageUpdate({ id, language_code: 'en' }, '/start'));
    await db.query(`UPDATE users SET is_banned = true, ban_reason = 'spam' WHERE telegram_id = $1`, [id]);
    await deliver(messageUpdate({ id, language_code: 'en' }, '/help'));
    const replies = messagesTo(id);
    expect(replies).toHaveLength(2);
    expect(replies[1].params.text).toBe('⛔ Your access to this bot has been restricted.');
  });
});
