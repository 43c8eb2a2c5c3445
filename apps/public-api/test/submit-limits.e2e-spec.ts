import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { LedgerService } from '@genbot/ledger';
import { FakeWavespeed, TEST_API_KEY, freePort, signInitData, testConfig, uniqueTelegramId } from '@genbot/testing';
import { bootstrapPublicApi } from '../src/bootstrap';

/**
 * What one user may take: at most `max_active_generations_per_user` (default 3) queued or running
 * at once, and a rate per minute on submit, tools, refresh and upload; and what a replayed
 * Idempotency-Key may mean. No worker runs here, so what is queued stays queued.
 */
describe('submit limits and idempotent replays', () => {
  let wavespeed: FakeWavespeed;
  let api: NestFastifyApplication;
  let http: ReturnType<typeof request>;
  let dataDir: string;
  const BOT_TOKEN = '123456:submit-limits-test-token-abcdefghij';

  beforeAll(async () => {
    wavespeed = await FakeWavespeed.start();
    dataDir = mkdtempSync(join(tmpdir(), 'genbot-limits-'));
    const port = await freePort();
    const config = testConfig({
      BOT_TOKEN,
      WAVESPEED_API_KEY: wavespeed.apiKey,
      WAVESPEED_BASE_URL: wavespeed.baseUrl,
      DATA_DIR: dataDir,
      PUBLIC_API_PORT: String(port),
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
      FILE_URL_SECRET: 'l'.repeat(40),
    });
    api = await bootstrapPublicApi(config, { port });
    http = request(api.getHttpServer());
  });
  afterAll(async () => {
    await api?.close();
    await wavespeed.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const asUser = (id: number) => ({ 'X-Telegram-Init-Data': signInitData(BOT_TOKEN, { user: { id, first_name: 'Limit', language_code: 'en' } }) });
  const service = (req: request.Test) => req.set('X-API-Key', TEST_API_KEY);
  async function newUser(credits: number): Promise<{ telegramId: number; userId: string }> {
    const telegramId = uniqueTelegramId();
    const { body } = await http.post('/api/v1/users/sync').set(asUser(telegramId)).send({}).expect(200);
    if (credits > 0)
      await api
        .get(LedgerService)
        .transfer({ idempotencyKey: randomUUID(), from: { system: 'purchases' }, to: { userId: body.id }, amount: credits, kind: 'purchase' });
    await api
      .get(DataSource)
      .query(`INSERT INTO trial_uses (user_id, model_id, generation_id) SELECT $1, id, $2 FROM models WHERE slug = 'seedream-v4'`, [body.id, randomUUID()]);
    return { telegramId, userId: body.id };
  }
  const submit = (telegramId: number, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    http.post('/api/v1/generations/submit').set(asUser(telegramId)).set(headers).send(body);
  const balanceOf = async (userId: string) => (await service(http.get(`/api/v1/users/${userId}/balance`)).expect(200)).body;

  describe('active generations per user', () => {
    it('accepts three of ten concurrent submits and refuses the rest with 429, holding only for the three', async () => {
      const { telegramId, userId } = await newUser(1000);
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => submit(telegramId, { model_id: 'seedream-v4', prompt: `busy ${i}` })));
      expect(results.filter((r) => r.status === 201)).toHaveLength(3);
      const refused = results.filter((r) => r.status === 429);
      expect(refused).toHaveLength(7);
      for (const r of refused) {
        expect(r.body).toMatchObject({ code: 'GENERATION_TOO_MANY_ACTIVE', details: { max: 3 } });
        expect(r.body.message).toMatch(/at most 3 may run at once/);
        expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
      }
      expect(await balanceOf(userId)).toEqual({ balanceTokens: 1000, available: 919, reserved: 81 });
    });

    it('lets the next one in once one is cancelled', async () => {
      const { telegramId } = await newUser(1000);
      const first = await submit(telegramId, { model_id: 'seedream-v4', prompt: 'one' }).expect(201);
      await submit(telegramId, { model_id: 'seedream-v4', prompt: 'two' }).expect(201);
      await submit(telegramId, { model_id: 'seedream-v4', prompt: 'three' }).expect(201);
      await submit(telegramId, { model_id: 'seedream-v4', prompt: 'four' }).expect(429);
      await http.post(`/api/v1/generations/${first.body.id}/cancel`).set(asUser(telegramId)).expect(200);
      await submit(telegramId, { model_id: 'seedream-v4', prompt: 'four' }).expect(201);
    });

    it('counts another user’s generations separately, and does not spend the trial on a refusal', async () => {
      const { telegramId, userId } = await newUser(1000);
      await api.get(DataSource).query(`DELETE FROM trial_uses WHERE user_id = $1`, [userId]);
      // A model without a trial, so the trial is still there when the cap refuses the fourth.
      for (const prompt of ['a', 'b', 'c']) await submit(telegramId, { model_id: 'gpt-image-1.5', quality: 'low', size: '1024*1024', prompt }).expect(201);
      await submit(telegramId, { model_id: 'seedream-v4', prompt: 'trial' }).expect(429);
      expect((await http.get(`/api/v1/users/${telegramId}/trial`).set(asUser(telegramId)).expect(200)).body.available).toBe(true);
      const other = await newUser(100);
      await submit(other.telegramId, { model_id: 'seedream-v4', prompt: 'mine' }).expect(201);
    });

    it('caps service jobs too, but not jobs parked waiting for payment', async () => {
      const { userId } = await newUser(1000);
      const photo = await service(http.post('/api/v1/data'))
        .field('type', 'image')
        .attach('file', wavespeed.png, { filename: 'p.png', contentType: 'image/png' })
        .expect(201);
      const job = () => service(http.post('/api/v1/jobs')).send({ userId, serviceType: 'restore', input: [{ type: 'image', dataId: photo.body.id }] });
      for (let i = 0; i < 3; i++) await job().expect(201);
      expect((await job().expect(429)).body.code).toBe('GENERATION_TOO_MANY_ACTIVE');
      const poor = await newUser(0);
      for (let i = 0; i < 4; i++)
        expect(
          (
            await service(http.post('/api/v1/jobs'))
              .send({ userId: poor.userId, serviceType: 'restore', input: [{ type: 'image', dataId: photo.body.id }] })
              .expect(201)
          ).body.status,
        ).toBe('waiting_payment');
    });
  });

  describe('rate limits per user', () => {
    // Guards run before validation, so refused bodies count too and nothing is created meanwhile.
    it.each([
      ['submit', 30, (t: number) => http.post('/api/v1/generations/submit').set(asUser(t)).send({})],
      ['tools', 30, (t: number) => http.post('/api/v1/tools/restore').set(asUser(t)).send({})],
      ['refresh', 60, (t: number) => http.post(`/api/v1/generations/${randomUUID()}/refresh`).set(asUser(t))],
      [
        'media upload',
        30,
        (t: number) => http.post('/api/v1/media/upload').set(asUser(t)).set('content-type', 'multipart/form-data; boundary=x').send('--x--\r\n'),
      ],
    ])('limits %s to %i a minute', async (_name, limit, call) => {
      const { telegramId } = await newUser(0);
      for (let i = 0; i < limit; i++) expect((await call(telegramId)).status).not.toBe(429);
      const limited = await call(telegramId);
      expect(limited.status).toBe(429);
      expect(limited.body.code).toBe('RATE_LIMITED');
      // Another user is not slowed down by the first.
      expect((await call((await newUser(0)).telegramId)).status).not.toBe(429);
    });
  });

  describe('Idempotency-Key replays', () => {
    const base = { model_id: 'seedream-v4', prompt: 'a fox', size: '2048*2048', chat_id: undefined as number | undefined };

    it('returns the first generation for the same request, whatever the order of its fields', async () => {
      const { telegramId, userId } = await newUser(100);
      const key = randomUUID();
      const first = await submit(telegramId, base, { 'Idempotency-Key': key }).expect(201);
      const again = await submit(telegramId, { size: '2048*2048', prompt: 'a fox', model_id: 'seedream-v4' }, { 'Idempotency-Key': key }).expect(201);
      expect(again.body.id).toBe(first.body.id);
      expect(await balanceOf(userId)).toEqual({ balanceTokens: 100, available: 73, reserved: 27 });
    });

    it.each([
      ['another model', { model_id: 'nano-banana' }],
      ['another size', { size: '1024*1024' }],
      ['another option', { size: undefined, aspect_ratio: '16:9', model_id: 'nano-banana' }],
      ['another prompt', { prompt: 'a wolf' }],
      ['another chat', { chat_id: 'self' }],
    ])('refuses the same key with %s: 409, nothing new held', async (_what, change) => {
      const { telegramId, userId } = await newUser(200);
      const key = randomUUID();
      await submit(telegramId, base, { 'Idempotency-Key': key }).expect(201);
      const body: Record<string, unknown> = { ...base, ...change };
      if (body.chat_id === 'self') body.chat_id = telegramId;
      const res = await submit(telegramId, body, { 'Idempotency-Key': key }).expect(409);
      expect(res.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
      expect((await balanceOf(userId)).reserved).toBe(27);
    });

    it('refuses a service key reused for another user or other inputs', async () => {
      const a = await newUser(100);
      const b = await newUser(100);
      const photo = await service(http.post('/api/v1/data'))
        .field('type', 'image')
        .attach('file', wavespeed.png, { filename: 'p.png', contentType: 'image/png' })
        .expect(201);
      const other = await service(http.post('/api/v1/data'))
        .field('type', 'image')
        .attach('file', wavespeed.png, { filename: 'q.png', contentType: 'image/png' })
        .expect(201);
      const key = randomUUID();
      const job = (userId: string, dataId: string) =>
        service(http.post('/api/v1/jobs'))
          .set('Idempotency-Key', key)
          .send({ userId, serviceType: 'restore', input: [{ type: 'image', dataId }] });
      const first = await job(a.userId, photo.body.id).expect(201);
      expect((await job(a.userId, photo.body.id).expect(201)).body.id).toBe(first.body.id);
      expect(first.body.meta).not.toHaveProperty('requestFingerprint');
      expect((await job(b.userId, photo.body.id).expect(409)).body.code).toBe('IDEMPOTENCY_KEY_REUSED');
      expect((await job(a.userId, other.body.id).expect(409)).body.code).toBe('IDEMPOTENCY_KEY_REUSED');
      expect((await balanceOf(b.userId)).reserved).toBe(0);
    });
  });
});
