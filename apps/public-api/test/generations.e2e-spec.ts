import { getQueueToken } from '@nestjs/bullmq';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Job, Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AppConfig, QUEUES } from '@genbot/core';
import { LedgerService } from '@genbot/ledger';
import { ObjectStorage } from '@genbot/storage';
import {
  FakeElevenLabs,
  FakeGemini,
  FakeTelegramApi,
  FakeWavespeed,
  TEST_API_KEY,
  eventually,
  freePort,
  signInitData,
  testConfig,
  uniqueTelegramId,
} from '@genbot/testing';
import { bootstrapWorker } from '../../worker/src/bootstrap';
import { bootstrapPublicApi } from '../src/bootstrap';

describe('generations: Mini App submit → worker → provider → storage → chat', () => {
  let telegram: FakeTelegramApi;
  let wavespeed: FakeWavespeed;
  let elevenlabs: FakeElevenLabs;
  let gemini: FakeGemini;
  let config: AppConfig;
  let api: NestFastifyApplication;
  let worker: NestFastifyApplication;
  let http: ReturnType<typeof request>;
  let ledger: LedgerService;
  let dataDir: string;

  beforeAll(async () => {
    telegram = await FakeTelegramApi.start();
    wavespeed = await FakeWavespeed.start();
    elevenlabs = await FakeElevenLabs.start();
    gemini = await FakeGemini.start();
    dataDir = mkdtempSync(join(tmpdir(), 'genbot-gen-'));
    const port = await freePort();
    config = testConfig({
      BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      WAVESPEED_API_KEY: wavespeed.apiKey,
      WAVESPEED_BASE_URL: wavespeed.baseUrl,
      ELEVENLABS_API_KEY: elevenlabs.apiKey,
      ELEVENLABS_BASE_URL: elevenlabs.baseUrl,
      GEMINI_API_KEYS: gemini.apiKeysCsv,
      GEMINI_BASE_URL: gemini.baseUrl,
      DATA_DIR: dataDir,
      PUBLIC_API_PORT: String(port),
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
      FILE_URL_SECRET: 'f'.repeat(40),
      UPLOAD_MAX_BYTES: String(64 * 1024),
    });
    api = await bootstrapPublicApi(config, { port });
    worker = await bootstrapWorker(config, { port: 0 });
    http = request(api.getHttpServer());
    ledger = api.get(LedgerService);
  });
  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await telegram.close();
    await wavespeed.close();
    await elevenlabs.close();
    await gemini.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const initData = (id: number) => signInitData(telegram.token, { user: { id, first_name: 'Gen', language_code: 'en' } });
  const asUser = (id: number) => ({ 'X-Telegram-Init-Data': initData(id) });

  /** A registered Mini App user with `credits` and their trial already used up (unless `trial`). */
  async function newUser(credits: number, opts: { trial?: boolean } = {}): Promise<{ telegramId: number; userId: string }> {
    const telegramId = uniqueTelegramId();
    const { body } = await http.post('/api/v1/users/sync').set(asUser(telegramId)).send({}).expect(200);
    if (credits > 0)
      await ledger.transfer({ idempotencyKey: randomUUID(), from: { system: 'purchases' }, to: { userId: body.id }, amount: credits, kind: 'purchase' });
    if (!opts.trial) await useTrial(body.id);
    return { telegramId, userId: body.id };
  }
  /** The free trial, used up as if by an earlier generation, so prices and charges are the paid ones. */
  async function useTrial(userId: string): Promise<void> {
    const db = api.get(DataSource);
    const [model] = await db.query(`SELECT id FROM models WHERE slug = 'seedream-v4'`);
    await db.query(`INSERT INTO trial_uses (user_id, model_id, generation_id) VALUES ($1, $2, $3)`, [userId, model.id, randomUUID()]);
  }
  const submit = (telegramId: number, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    http.post('/api/v1/generations/submit').set(asUser(telegramId)).set(headers).send(body);
  const finished = (telegramId: number, id: string) =>
    eventually(
      async () => (await http.get(`/api/v1/generations/${id}`).set(asUser(telegramId)).expect(200)).body,
      (g) => ['succeeded', 'failed', 'cancelled'].includes(g.status),
    );
  /** Watches the worker's storage: which of this user's objects it streams (reads) and presigns for a provider. */
  function watchStorage(userId: string): { streamed: () => string[]; presigned: () => string[] } {
    const storage = worker.get(ObjectStorage);
    const stream = jest.spyOn(storage, 'stream');
    const presignGet = jest.spyOn(storage, 'presignGet');
    const mine = (calls: unknown[][]) => calls.map((c) => String(c[0])).filter((key) => key.includes(userId));
    return { streamed: () => mine(stream.mock.calls), presigned: () => mine(presignGet.mock.calls) };
  }
  afterEach(() => jest.restoreAllMocks());
  const balanceOf = async (userId: string) => (await http.get(`/api/v1/users/${userId}/balance`).set('X-API-Key', TEST_API_KEY).expect(200)).body;

  it('lists the catalog with providers and availability', async () => {
    const models = (await http.get('/api/v1/models').expect(200)).body as { id: string; provider: string; available: boolean; price: number }[];
    const byId = Object.fromEntries(models.map((m) => [m.id, m]));
    expect(byId['seedream-v4']).toMatchObject({ provider: 'wavespeed', available: true, price: 27 });
    expect(byId['local-text-to-image']).toMatchObject({ provider: 'local', available: true });
    expect(byId['text-to-speech']).toMatchObject({ provider: 'elevenlabs', available: true });
    expect(byId['animate-drawing']).toMatchObject({ provider: 'gemini', available: true });
    expect(byId['animate']).toMatchObject({ provider: 'fal', available: false });
    const sizes = (await http.get('/api/v1/sizes').expect(200)).body as { model: string; sizes: string[] }[];
    expect(sizes.find((s) => s.model === 'seedream-v4')!.sizes).toContain('2048*2048');
  });

  it('lists the caller’s own generations, newest first (the Mini App’s history)', async () => {
    const me = await newUser(100);
    const other = await newUser(100);
    const first = (await submit(me.telegramId, { model_id: 'local-text-to-image', prompt: 'first' }).expect(201)).body;
    const second = (await submit(me.telegramId, { model_id: 'local-text-to-image', prompt: 'second' }).expect(201)).body;
    await submit(other.telegramId, { model_id: 'local-text-to-image', prompt: 'not mine' }).expect(201);
    const list = (await http.get('/api/v1/generations').set(asUser(me.telegramId)).expect(200)).body as { id: string; prompt: string }[];
    expect(list.map((g) => [g.id, g.prompt])).toEqual([
      [second.id, 'second'],
      [first.id, 'first'],
    ]);
    await http
      .get('/api/v1/generations')
      .query({ telegram_id: String(other.telegramId) })
      .set(asUser(me.telegramId))
      .expect(403);
    await http.get('/api/v1/generations').expect(401);
  });

  it.each([
    [{ model_id: 'seedream-v4' }, 27],
    [{ model_id: 'nano-banana', aspect_ratio: '16:9' }, 38],
    [{ model_id: 'nano-banana-pro', resolution: '1k' }, 140],
    [{ model_id: 'nano-banana-pro', resolution: '2k' }, 140],
    [{ model_id: 'nano-banana-pro', resolution: '4k' }, 240],
    [{ model_id: 'gpt-image-1.5', quality: 'low', size: '1024*1024' }, 9],
    [{ model_id: 'gpt-image-1.5', quality: 'low', size: '1536*1024' }, 13],
    [{ model_id: 'gpt-image-1.5', quality: 'medium', size: '1024*1536' }, 51],
    [{ model_id: 'gpt-image-1.5', quality: 'high', size: '1024*1024' }, 133],
    [{ model_id: 'gpt-image-1.5', quality: 'high', size: '1536*1024' }, 200],
    [{ model_id: 'gpt-image-1.5', mode: 'i2i', quality: 'low', size: '1024*1536', input_fidelity: 'high' }, 34],
    [{ model_id: 'gpt-image-1.5', mode: 'i2i', quality: 'low', size: '1536*1024' }, 13],
    [{ model_id: 'gpt-image-1.5', mode: 'i2i', quality: 'medium', size: '1024*1024' }, 34],
    [{ model_id: 'qwen', size: '1024*1024' }, 20],
    [{ model_id: 'watermark-remove' }, 12],
    [{ model_id: 'upscale', target_resolution: '8k' }, 60],
    [{ model_id: 'denoise', model: 'Extreme' }, 20],
    [{ model_id: 'restore' }, 20],
    [{ model_id: 'enhance', model: 'CGI' }, 30],
  ])('prices %j at %i credits', async (body, price) => {
    const { telegramId } = await newUser(0);
    const res = await http.post('/api/v1/generations/price').set(asUser(telegramId)).send(body).expect(200);
    expect(res.body).toMatchObject({ price, currency: 'credits', trial: false });
  });

  it('refuses unknown options and values with 400', async () => {
    const { telegramId } = await newUser(0);
    const bad = await http.post('/api/v1/generations/price').set(asUser(telegramId)).send({ model_id: 'seedream-v4', size: '9*9' }).expect(400);
    expect(bad.body.details.fields[0].field).toBe('size');
    await http.post('/api/v1/generations/price').set(asUser(telegramId)).send({ model_id: 'seedream-v4', quality: 'high' }).expect(400);
    await http.post('/api/v1/generations/price').set(asUser(telegramId)).send({ model_id: 'nope' }).expect(404);
  });

  it('limits /generations/price to 60 a minute per user, with Retry-After', async () => {
    const { telegramId } = await newUser(0);
    const headers = asUser(telegramId);
    for (let i = 0; i < 60; i++) await http.post('/api/v1/generations/price').set(headers).send({ model_id: 'qwen' }).expect(200);
    const limited = await http.post('/api/v1/generations/price').set(headers).send({ model_id: 'qwen' }).expect(429);
    expect(limited.body.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('submits, runs at the provider, stores the result, charges once and sends it to the chat', async () => {
    const { telegramId, userId } = await newUser(100);
    const res = await submit(telegramId, {
      model_id: 'seedream-v4',
      prompt: 'a fox',
      chat_id: telegramId,
      message_id: 7,
      prompt_message_id: 6,
      language: 'ru',
    }).expect(201);
    expect(res.body).toMatchObject({ modelId: 'seedream-v4', status: 'queued', price: 27, trial: false });
    expect(await balanceOf(userId)).toEqual({ balanceTokens: 100, available: 73, reserved: 27 });

    const done = await finished(telegramId, res.body.id);
    expect(done).toMatchObject({ status: 'succeeded', progress: 100 });
    expect(await balanceOf(userId)).toEqual({ balanceTokens: 73, available: 73, reserved: 0 });

    const photo = await telegram.waitForCall('sendPhoto', (c) => String(c.params.chat_id) === String(telegramId));
    expect(photo.params.caption).toBe('✅ Готово · Seedream 4.0');
    expect(photo.params.reply_parameters).toMatchObject({ message_id: 6 });
    // The progress message (id 7) said it started, and says it is done once the photo is out.
    const progress = (c: { params: Record<string, unknown> }) => String(c.params.chat_id) === String(telegramId) && Number(c.params.message_id) === 7;
    await telegram.waitForCall('editMessageText', (c) => progress(c) && c.params.text === '✅ Готово · Seedream 4.0');
    expect(
      telegram
        .calls('editMessageText')
        .filter(progress)
        .map((c) => c.params.text),
    ).toEqual(['⏳ Seedream 4.0: генерирую…', '✅ Готово · Seedream 4.0']);
    expect(photo.files[0].size).toBe(wavespeed.png.length);
    expect(wavespeed.lastSubmit()!.body).toMatchObject({ prompt: 'a fox', size: '2048*2048' });

    const results = (await http.get(`/api/v1/generations/${res.body.id}/results`).set(asUser(telegramId)).expect(200)).body;
    expect(results.results).toHaveLength(1);
    const file = await fetch(results.results[0].url);
    expect(file.status).toBe(200);
    expect(Buffer.from(await file.arrayBuffer()).equals(wavespeed.png)).toBe(true);
  });

  it('refunds and tells the user in their language when the provider fails', async () => {
    const { telegramId, userId } = await newUser(50);
    wavespeed.failNext('job_failed');
    const res = await submit(telegramId, { model_id: 'seedream-v4', prompt: 'will fail', chat_id: telegramId, language: 'uz' }).expect(201);
    const done = await finished(telegramId, res.body.id);
    expect(done.status).toBe('failed');
    expect(await balanceOf(userId)).toEqual({ balanceTokens: 50, available: 50, reserved: 0 });
    const notice = await telegram.waitForCall('sendMessage', (c) => String(c.params.chat_id) === String(telegramId));
    expect(notice.params.text).toBe('❌ Seedream 4.0 generatsiyani yakunlay olmadi. Kreditlaringiz qaytarildi.');
  });

  it('keeps the result for the app and notes the block when the user has blocked the bot', async () => {
    const { telegramId, userId } = await newUser(27);
    telegram.blockChat(telegramId);
    try {
      const res = await submit(telegramId, { model_id: 'seedream-v4', prompt: 'unseen', chat_id: telegramId }).expect(201);
      expect((await finished(telegramId, res.body.id)).status).toBe('succeeded');
      const [user] = await eventually(
        () => api.get(DataSource).query(`SELECT blocked_at FROM users WHERE id = $1`, [userId]),
        (rows: { blocked_at: Date | null }[]) => rows[0].blocked_at !== null,
      );
      expect(user.blocked_at).toBeInstanceOf(Date);
      expect((await http.get(`/api/v1/generations/${res.body.id}/results`).set(asUser(telegramId)).expect(200)).body.results).toHaveLength(1);
      expect(await balanceOf(userId)).toEqual({ balanceTokens: 0, available: 0, reserved: 0 });
    } finally {
      telegram.unblockChat(telegramId);
    }
  });

  it('retries a transient provider error with backoff and still charges once', async () => {
    const { telegramId, userId } = await newUser(27);
    const before = wavespeed.calls('submit').length;
    wavespeed.failNext('http500', { on: 'submit' });
    const res = await submit(telegramId, { model_id: 'seedream-v4', prompt: 'second time lucky' }).expect(201);
    expect((await finished(telegramId, res.body.id)).status).toBe('succeeded');
    expect(wavespeed.calls('submit').length - before).toBe(2);
    expect(await balanceOf(userId)).toEqual({ balanceTokens: 0, available: 0, reserved: 0 });
  });

  /** The generation's job that failed once and waits for its retry (polls wait too, but have no attempt behind them). */
  const retryOf = async (generationId: string): Promise<Job> =>
    (await eventually(
      async () => {
        const delayed = await api.get<Queue>(getQueueToken(QUEUES.generations)).getJobs(['delayed']);
        return delayed.find((job) => job?.data?.generationId === generationId && job.attemptsMade > 0);
      },
      (job) => job !== undefined,
    ))!;

  it("retries a provider's 429 when its Retry-After says, and charges once", async () => {
    const { telegramId, userId } = await newUser(27);
    const before = wavespeed.calls('submit').length;
    wavespeed.failNext('http429', { on: 'submit' }); // Retry-After: 7
    const res = await submit(telegramId, { model_id: 'seedream-v4', prompt: 'patience' }).expect(201);
    const retry = await retryOf(res.body.id);
    expect(retry.delay).toBe(7000);
    await retry.promote(); // the 7 s, not waited for
    expect((await finished(telegramId, res.body.id)).status).toBe('succeeded');
    expect(wavespeed.calls('submit').length - before).toBe(2);
    expect(await balanceOf(userId)).toEqual({ balanceTokens: 0, available: 0, reserved: 0 });
  });

  it('retries a delivery Telegram refused with 429 when its retry_after says, and delivers once', async () => {
    const { telegramId, userId } = await newUser(27);
    telegram.failNext('sendPhoto', { kind: 'retry_after', seconds: 42 });
    const res = await submit(telegramId, { model_id: 'seedream-v4', prompt: 'later, please', chat_id: telegramId }).expect(201);
    const retry = await retryOf(res.body.id);
    expect(retry.delay).toBe(42_000);
    expect(telegram.sentTo(telegramId).filter((c) => c.method === 'sendPhoto')).toHaveLength(0);
    await retry.promote();
    await telegram.waitForCall('sendPhoto', (c) => c.response.ok && String(c.params.chat_id) === String(telegramId));
    await eventually(
      async () => (await api.get(DataSource).query(`SELECT delivered_at FROM generations WHERE id = $1`, [res.body.id]))[0].delivered_at,
      (at) => at !== null,
    );
    expect(telegram.sentTo(telegramId).filter((c) => c.method === 'sendPhoto')).toHaveLength(1);
    expect(await balanceOf(userId)).toEqual({ balanceTokens: 0, available: 0, reserved: 0 });
  });

  // 20 (not more) because submit is rate-limited to 30 a minute, and a balance for 2 (not more)
  // because at most 3 generations may be active per user: the ledger alone decides here.
  it('accepts exactly as many of 20 concurrent submits as the balance pays for', async () => {
    const { telegramId, userId } = await newUser(54);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => submit(telegramId, { model_id: 'seedream-v4', prompt: `p${i}` })));
    expect(results.filter((r) => r.status === 201)).toHaveLength(2);
    expect(results.filter((r) => r.status === 402).every((r) => r.body.code === 'LEDGER_INSUFFICIENT_CREDITS')).toBe(true);
    expect(results.filter((r) => r.status === 402)).toHaveLength(18);
    await eventually(
      () => balanceOf(userId),
      (b) => b.reserved === 0,
      30_000,
    );
    expect(await balanceOf(userId)).toEqual({ balanceTokens: 0, available: 0, reserved: 0 });
  });

  it('gives the trial once, free', async () => {
    const { telegramId, userId } = await newUser(0, { trial: true });
    expect((await http.get(`/api/v1/users/${telegramId}/trial`).set(asUser(telegramId)).expect(200)).body.available).toBe(true);
    const price = await http.post('/api/v1/generations/price').set(asUser(telegramId)).send({ model_id: 'seedream-v4' }).expect(200);
    expect(price.body).toMatchObject({ price: 0, trial: true });
    const first = await submit(telegramId, { model_id: 'seedream-v4', prompt: 'free one' }).expect(201);
    expect(first.body).toMatchObject({ trial: true, price: 0 });
    expect((await finished(telegramId, first.body.id)).status).toBe('succeeded');
    const second = await submit(telegramId, { model_id: 'seedream-v4', prompt: 'paid one' }).expect(402);
    expect(second.body.code).toBe('LEDGER_INSUFFICIENT_CREDITS');
    expect((await http.get(`/api/v1/users/${telegramId}/trial`).set(asUser(telegramId)).expect(200)).body).toEqual({ available: false, models: [] });
    expect(await balanceOf(userId)).toEqual({ balanceTokens: 0, available: 0, reserved: 0 });
  });

  it('keeps one generation per Idempotency-Key', async () => {
    const { telegramId, userId } = await newUser(100);
    const key = randomUUID();
    const [a, b] = await Promise.all([
      submit(telegramId, { model_id: 'qwen', prompt: 'once' }, { 'Idempotency-Key': key }),
      submit(telegramId, { model_id: 'qwen', prompt: 'once' }, { 'Idempotency-Key': key }),
    ]);
    expect(a.body.id).toBe(b.body.id);
    await finished(telegramId, a.body.id);
    expect((await balanceOf(userId)).balanceTokens).toBe(80);
  });

  it('shows a user only their own generations', async () => {
    const owner = await newUser(30);
    const other = await newUser(0);
    const res = await submit(owner.telegramId, { model_id: 'seedream-v4', prompt: 'mine' }).expect(201);
    const forbidden = await http.get(`/api/v1/generations/${res.body.id}`).set(asUser(other.telegramId)).expect(403);
    expect(forbidden.body.code).toBe('GENERATION_FORBIDDEN');
    await http.get(`/api/v1/generations/${res.body.id}/results`).set(asUser(other.telegramId)).expect(403);
    await http.post(`/api/v1/generations/${res.body.id}/cancel`).set(asUser(other.telegramId)).expect(403);
    await http.get(`/api/v1/generations/${randomUUID()}`).set(asUser(other.telegramId)).expect(404);
    await http.get(`/api/v1/generations/active?telegram_id=${owner.telegramId}`).set(asUser(other.telegramId)).expect(403);
    // Nor can a user have the bot post into somebody else's chat.
    expect((await submit(other.telegramId, { model_id: 'qwen', prompt: 'spam', chat_id: owner.telegramId }).expect(403)).body.code).toBe('USER_FORBIDDEN');
    await finished(owner.telegramId, res.body.id);
  });

  it('answers 503 for a model whose provider has no key, holding nothing', async () => {
    const { telegramId, userId } = await newUser(500);
    const photo = await http
      .post('/api/v1/media/upload')
      .set(asUser(telegramId))
      .attach('file', wavespeed.png, { filename: 'in.png', contentType: 'image/png' })
      .expect(201);
    const res = await submit(telegramId, { model_id: 'animate', media_ids: [photo.body.id] }).expect(503);
    expect(res.body.code).toBe('GENERATION_PROVIDER_UNAVAILABLE');
    expect(await balanceOf(userId)).toEqual({ balanceTokens: 500, available: 500, reserved: 0 });
  });

  it('speaks a text through ElevenLabs and sends the audio to the chat', async () => {
    const { telegramId, userId } = await newUser(5);
    const res = await submit(telegramId, {
      model_id: 'text-to-speech',
      prompt: 'Salom, dunyo',
      voice_id: elevenlabs.voices[0].voice_id,
      chat_id: telegramId,
    }).expect(201);
    expect((await finished(telegramId, res.body.id)).status).toBe('succeeded');
    const audio = await telegram.waitForCall('sendAudio', (c) => String(c.params.chat_id) === String(telegramId));
    expect(audio.files[0].size).toBeGreaterThan(0);
    expect(elevenlabs.lastTts()!.body).toMatchObject({ text: 'Salom, dunyo' });
    expect((await balanceOf(userId)).balanceTokens).toBe(4);
  });

  it('turns a drawing into an album of four images through Gemini, sending the bytes it stored', async () => {
    const { telegramId, userId } = await newUser(1);
    const storage = watchStorage(userId);
    const drawing = await http
      .post('/api/v1/media/upload')
      .set(asUser(telegramId))
      .attach('file', wavespeed.png, { filename: 'drawing.png', contentType: 'image/png' })
      .expect(201);
    const res = await submit(telegramId, { model_id: 'animate-drawing', media_ids: [drawing.body.id], chat_id: telegramId }).expect(201);
    expect((await finished(telegramId, res.body.id)).status).toBe('succeeded');
    const album = await telegram.waitForCall('sendMediaGroup', (c) => String(c.params.chat_id) === String(telegramId));
    expect(album.params.media).toHaveLength(4);
    expect(gemini.calls().filter((c) => c.model === 'gemini-2.5-flash-image' && c.status === 200)).toHaveLength(4);
    expect((await http.get(`/api/v1/generations/${res.body.id}/results`).set(asUser(telegramId)).expect(200)).body.results).toHaveLength(4);
    // Gemini takes bytes: the drawing was read once and never presigned; the results went to the
    // chat from memory, not read back from storage.
    expect(storage.streamed()).toEqual([expect.stringContaining(`users/${userId}/inputs/`)]);
    expect(storage.presigned()).toEqual([]);
  });

  it('runs a photo tool on an uploaded image, handing the provider a URL instead of reading the bytes', async () => {
    const { telegramId, userId } = await newUser(20);
    const storage = watchStorage(userId);
    const upload = await http
      .post('/api/v1/media/upload')
      .set(asUser(telegramId))
      .attach('file', wavespeed.png, { filename: 'in.png', contentType: 'image/png' })
      .expect(201);
    const res = await http.post('/api/v1/tools/restore').set(asUser(telegramId)).send({ media_id: upload.body.id }).expect(201);
    expect(res.body).toMatchObject({ modelId: 'restore', price: 20 });
    expect((await finished(telegramId, res.body.id)).status).toBe('succeeded');
    expect(wavespeed.lastSubmit()!.path).toContain('topaz/image/restore');
    expect(storage.presigned()).toEqual([expect.stringContaining(`users/${userId}/inputs/`)]);
    expect(storage.streamed()).toEqual([]);
    expect((await balanceOf(userId)).balanceTokens).toBe(0);
  });

  it('refuses oversize and mislabelled uploads', async () => {
    const { telegramId } = await newUser(0);
    const big = Buffer.concat([wavespeed.png, Buffer.alloc(70 * 1024)]);
    expect(
      (await http.post('/api/v1/media/upload').set(asUser(telegramId)).attach('file', big, { filename: 'big.png', contentType: 'image/png' }).expect(413)).body
        .code,
    ).toBe('STORAGE_TOO_LARGE');
    const fake = Buffer.from('this is not a picture at all');
    expect(
      (await http.post('/api/v1/media/upload').set(asUser(telegramId)).attach('file', fake, { filename: 'x.png', contentType: 'image/png' }).expect(415)).body
        .code,
    ).toBe('STORAGE_UNSUPPORTED_TYPE');
  });

  it('finishes once and charges once when the worker stops mid-job and another takes over', async () => {
    const { telegramId, userId } = await newUser(27);
    wavespeed.completeAfterPolls(3);
    const submitsBefore = wavespeed.calls('submit').length;
    const res = await submit(telegramId, { model_id: 'seedream-v4', prompt: 'relay', chat_id: telegramId }).expect(201);
    const db = api.get(DataSource);
    // The first worker has submitted to the provider and is waiting on it (a delayed poll job)…
    await eventually(
      async () => (await db.query(`SELECT external_id FROM generations WHERE id = $1`, [res.body.id]))[0].external_id,
      (id) => id !== null,
    );
    await worker.close();
    // … then it is gone, and a new one picks up where it stopped.
    worker = await bootstrapWorker(config, { port: 0 });
    const done = await finished(telegramId, res.body.id);
    expect(done.status).toBe('succeeded');
    expect(wavespeed.calls('submit').length - submitsBefore).toBe(1);
    // Delivery follows the status change: wait for the photo, then make sure it came once.
    await telegram.waitForCall('sendPhoto', (c) => String(c.params.chat_id) === String(telegramId));
    expect(telegram.sentTo(telegramId).filter((c) => c.method === 'sendPhoto')).toHaveLength(1);
    expect(await balanceOf(userId)).toEqual({ balanceTokens: 0, available: 0, reserved: 0 });
    const history = (await http.get(`/api/v1/transactions?userId=${userId}`).set('X-API-Key', TEST_API_KEY).expect(200)).body;
    expect(history.filter((t: { type: string }) => t.type === 'charge')).toHaveLength(1);
  });
});
