import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { FakeElevenLabs, FakeGemini, FakeWavespeed, TEST_API_KEY, signInitData, sweepMalformedInput, testConfig, uniqueTelegramId } from '@genbot/testing';
import { bootstrapPublicApi } from '../src/bootstrap';

const BOT_TOKEN = '5551234567:AAH-public-api-malformed-test_00000';

/** Issue 7: hostile bodies, queries, path params and initData are 4xx, never a 500 from PostgreSQL or the stack. */
describe('public-api: malformed input', () => {
  let app: NestFastifyApplication;
  let http: ReturnType<typeof request>;
  let fakes: { close(): Promise<void> }[] = [];

  beforeAll(async () => {
    // Providers are configured (fakes on loopback), so a valid-looking generation request is not a
    // designed 503 "provider unavailable" and the sweep can hold every route to "no 5xx at all".
    const [wavespeed, elevenlabs, gemini] = [await FakeWavespeed.start(), await FakeElevenLabs.start(), await FakeGemini.start()];
    fakes = [wavespeed, elevenlabs, gemini];
    const providers = {
      WAVESPEED_API_KEY: wavespeed.apiKey,
      WAVESPEED_BASE_URL: wavespeed.baseUrl,
      ELEVENLABS_API_KEY: elevenlabs.apiKey,
      ELEVENLABS_BASE_URL: elevenlabs.baseUrl,
      GEMINI_API_KEYS: gemini.apiKeysCsv,
      GEMINI_BASE_URL: gemini.baseUrl,
    };
    app = await bootstrapPublicApi(testConfig({ BOT_TOKEN, ...providers }), { port: 0 });
    http = request(app.getHttpServer());
  });
  afterAll(async () => {
    await app?.close();
    for (const fake of fakes) await fake.close();
  });

  const initDataFor = (id: number, user: { first_name?: string; username?: string; last_name?: string } = {}) =>
    signInitData(BOT_TOKEN, { user: { id, first_name: 'Mia', ...user } });
  const register = (raw: string) =>
    http.post('/api/v1/users/register-or-login').set('X-API-Key', TEST_API_KEY).set('Content-Type', 'application/json').send(raw);
  const fieldsOf = (body: { details?: { fields?: { field: string }[] } }) => (body.details?.fields ?? []).map((f) => f.field);

  describe('JSON nesting', () => {
    it.each([
      ['arrays', '['.repeat(10_000) + ']'.repeat(10_000)],
      ['objects', '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000)],
      ['a deep field of a valid body', `{"telegramId":"1","username":${'['.repeat(5_000)}${']'.repeat(5_000)}}`],
    ])('refuses %s nested 10 000 deep with 400 MALFORMED_JSON', async (_, raw) => {
      const res = await register(raw).expect(400);
      expect(res.body).toMatchObject({ code: 'MALFORMED_JSON', message: expect.stringContaining('32') });
    });

    it('reads brackets inside strings as text, and lets a shallow body through to validation', async () => {
      const res = await register(
        JSON.stringify({
          telegramId: String(uniqueTelegramId()),
          username: '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{"',
        }),
      ).expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      const ok = await register(JSON.stringify({ telegramId: String(uniqueTelegramId()), username: '[{"x":1}]' })).expect(200);
      expect(ok.body.username).toBe('[{"x":1}]');
    });
  });

  describe('NUL and lone surrogates', () => {
    it.each([
      ['NUL', 'al\u0000ice'],
      ['a lone high surrogate', 'al\ud800ice'],
      ['a lone low surrogate', '\udc00alice'],
    ])('refuses %s in a body string with 400 naming the field, creating nobody', async (_, username) => {
      const telegramId = String(uniqueTelegramId());
      const res = await register(JSON.stringify({ telegramId, username })).expect(400);
      expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', details: { fields: [{ field: 'username', problems: [expect.any(String)] }] } });
      const after = await register(JSON.stringify({ telegramId })).expect(200);
      expect(after.body).not.toHaveProperty('username'); // seed 001 omits absent fields
    });

    it('accepts a well-formed surrogate pair (emoji)', async () => {
      const res = await register(JSON.stringify({ telegramId: String(uniqueTelegramId()), username: 'fox🦊' })).expect(200);
      expect(res.body.username).toBe('fox🦊');
    });

    it('refuses NUL in an object key and in nested strings, naming the path', async () => {
      const key = await register(`{"telegramId":"1","us\\u0000er":"x"}`).expect(400);
      expect(fieldsOf(key.body)).toEqual(['us\\u0000er']);
      const nested = await http
        .post('/api/v1/jobs')
        .set('X-API-Key', TEST_API_KEY)
        .send({ userId: '00000000-0000-4000-8000-00000000abcd', serviceType: 'animate', input: [{ type: 'image', meta: { note: 'a\u0000' } }] })
        .expect(400);
      expect(fieldsOf(nested.body)).toContain('input.0.meta.note');
    });

    it('refuses NUL in a query string and in a path parameter', async () => {
      const query = await http.get('/api/v1/generations/active?telegram_id=1%00').set('X-Telegram-Init-Data', initDataFor(uniqueTelegramId())).expect(400);
      expect(fieldsOf(query.body)).toEqual(['telegram_id']);
      const path = await http.post('/api/v1/tools/up%00scale').set('X-Telegram-Init-Data', initDataFor(uniqueTelegramId())).send({}).expect(400);
      expect(path.body).toMatchObject({ code: 'VALIDATION_FAILED', details: { fields: [{ field: 'tool' }] } });
    });

    it('lets in a genuinely signed initData whose names carry NUL or lone surrogates, storing them cleaned', async () => {
      const id = uniqueTelegramId();
      const res = await http
        .post('/api/v1/users/sync')
        .set('X-Telegram-Init-Data', initDataFor(id, { first_name: 'Mi\u0000a', last_name: '\ud800X', username: `mia\udfff${id}` }))
        .send({})
        .expect(200);
      expect(res.body).toMatchObject({ telegramId: String(id), firstName: 'Mia', username: `mia\ufffd${id}` });
    });
  });

  describe('numbers past 2^53', () => {
    it.each([
      ['message_id', '1e19'],
      ['message_id', '10000000000000000000'],
      ['chat_id', '-9007199254740993'],
      ['prompt_message_id', '1e400'],
    ])('refuses %s: %s with 400 naming the field', async (field, value) => {
      const id = uniqueTelegramId();
      const res = await http
        .post('/api/v1/generations/submit')
        .set('X-Telegram-Init-Data', initDataFor(id))
        .set('Content-Type', 'application/json')
        .send(`{"model_id":"seedream-v4","prompt":"a fox","${field}":${value}}`)
        .expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(fieldsOf(res.body)).toContain(field);
    });

    it('refuses a telegram_id of 19 digits beyond PostgreSQL bigint', async () => {
      const res = await http
        .get('/api/v1/generations/active?telegram_id=9999999999999999999')
        .set('X-Telegram-Init-Data', initDataFor(uniqueTelegramId()))
        .expect(400);
      expect(fieldsOf(res.body)).toEqual(['telegram_id']);
    });
  });

  it('answers every JSON route of the OpenAPI document with < 500 for malformed bodies and path params', async () => {
    const service = await register(JSON.stringify({ telegramId: String(uniqueTelegramId()) })).expect(200);
    // A pool of Mini App users, so the per-user rate limits never hide a route's validation.
    const pool = await Promise.all(
      Array.from({ length: 30 }, async () => {
        const id = uniqueTelegramId();
        const initData = initDataFor(id);
        await http.post('/api/v1/users/sync').set('X-Telegram-Init-Data', initData).send({}).expect(200);
        return { id, initData };
      }),
    );
    let turn = 0;
    const started = Date.now();
    const result = await sweepMalformedInput(http, {
      auth: {
        'api-key': () => ({ headers: { 'X-API-Key': TEST_API_KEY } }),
        'init-data': () => {
          const user = pool[turn++ % pool.length];
          return { headers: { 'X-Telegram-Init-Data': user.initData }, telegramId: String(user.id) };
        },
      },
      pathValue: (name, auth) =>
        /telegram/i.test(name) ? (auth.telegramId ?? String(uniqueTelegramId())) : /^id$/.test(name) && auth.telegramId ? auth.telegramId : service.body.id,
    });
    expect(result.failures).toEqual([]);
    expect(result.operations).toBeGreaterThan(15);
    expect(result.requests).toBeGreaterThan(500);
    expect(Date.now() - started).toBeLessThan(60_000);
  }, 90_000);
});
