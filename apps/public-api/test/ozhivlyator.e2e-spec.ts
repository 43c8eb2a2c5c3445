import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { SettingsService } from '@genbot/core';
import { DailyBonusService } from '@genbot/growth';
import { LedgerService, verifyLedger } from '@genbot/ledger';
import { FakeYooKassa, TEST_API_KEY, freePort, loadSeed003Examples, seed003ShapeProblems, testConfig, uniqueTelegramId } from '@genbot/testing';
import { bootstrapWorker } from '../../worker/src/bootstrap';
import { bootstrapPublicApi } from '../src/bootstrap';

/** Seed 003's API for its existing bot, checked against the request and response examples of its README. */
describe('public-api: /compat/ozhivlyator (seed 003)', () => {
  const seed = loadSeed003Examples();
  const USER_EXAMPLES = [seed.createUserResponse, seed.getUserResponse];
  /** The examples' user has an inviter and a source; users without them answer null there. */
  const USER_NULLABLE = { nullable: ['referred_by', 'advertising_source', 'username'] };
  let api: NestFastifyApplication;
  let worker: NestFastifyApplication;
  let yookassa: FakeYooKassa;
  let http: ReturnType<typeof request>;
  let dataDir: string;
  let drawing: Buffer;

  beforeAll(async () => {
    yookassa = await FakeYooKassa.start();
    dataDir = mkdtempSync(join(tmpdir(), 'genbot-ozhiv-'));
    const port = await freePort();
    // No Gemini key: the drawing model runs on its local fallback, offline.
    const config = testConfig({ ...yookassa.env, DATA_DIR: dataDir, PUBLIC_API_PORT: String(port), FILE_URL_SECRET: 'o'.repeat(40) });
    api = await bootstrapPublicApi(config, { port });
    worker = await bootstrapWorker(config, { port: 0 });
    http = request(api.getHttpServer());
    await api.get(SettingsService).set({ welcome_bonus_credits: 0, drawing_images: 4, first_drawing_bonus_images: 2 });
    drawing = await sharp({ create: { width: 96, height: 64, channels: 3, background: '#fffbe8' } })
      .composite([{ input: Buffer.from('<svg width="96" height="64"><circle cx="48" cy="32" r="20" fill="none" stroke="#222" stroke-width="5"/></svg>') }])
      .png()
      .toBuffer();
  });
  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await yookassa.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const post = (path: string) => http.post(`/compat/ozhivlyator${path}`).set('api-key', TEST_API_KEY);
  const get = (path: string) => http.get(`/compat/ozhivlyator${path}`).set('api-key', TEST_API_KEY);
  /** Seed 003's create-user request with fresh chat ids. */
  const createUser = (overrides: Record<string, unknown> = {}) => post('/users').send({ ...seed.createUserRequest, chat_id: uniqueTelegramId(), ...overrides });
  const generate = (chatId: number) =>
    post('/generate').field('chat_id', String(chatId)).attach('image', drawing, { filename: 'drawing.png', contentType: 'image/png' });
  const userIdOf = async (chatId: number) => (await api.get(DataSource).query(`SELECT id FROM users WHERE telegram_id = $1`, [chatId]))[0].id as string;
  const fund = async (chatId: number, credits: number) =>
    api
      .get(LedgerService)
      .transfer({ idempotencyKey: randomUUID(), from: { system: 'purchases' }, to: { userId: await userIdOf(chatId) }, amount: credits, kind: 'purchase' });
  const isPng = (base64: string) =>
    Buffer.from(base64, 'base64')
      .subarray(0, 8)
      .equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));

  describe('POST /users', () => {
    it('registers a user invited by ref_<chat_id> from an ad source, in the seed’s fields', async () => {
      const inviter = (await createUser({ referral_code: undefined, advertising_source: undefined }).expect(200)).body;
      const chatId = uniqueTelegramId();
      const res = await createUser({ chat_id: chatId, referral_code: `ref_${inviter.chat_id}` }).expect(200);
      expect(seed003ShapeProblems(res.body, USER_EXAMPLES, USER_NULLABLE)).toEqual([]);
      expect(res.body).toEqual({
        ...seed.createUserResponse,
        chat_id: chatId,
        ozhivashki: 0,
        registered_at: expect.any(String),
        last_activity_time: expect.any(String),
        referral_code: `ref_${chatId}`,
        referred_by: inviter.chat_id,
      });
      expect(inviter).toMatchObject({ referred_by: null, advertising_source: null });
      // Registering again returns the user as they are: the inviter and the source stay.
      const again = await post('/users').send({ chat_id: chatId, username: 'renamed', referral_code: 'ref_1', advertising_source: 'src_other' }).expect(200);
      expect(again.body).toMatchObject({ chat_id: chatId, username: 'renamed', referred_by: inviter.chat_id, advertising_source: 'src_ads_campaign_01' });
    });

    it('accepts X-API-Key too, refuses a missing or wrong key with 401 and a malformed body with 400, creating nobody', async () => {
      const chatId = uniqueTelegramId();
      await http.post('/compat/ozhivlyator/users').set('X-API-Key', TEST_API_KEY).send({ chat_id: chatId }).expect(200);
      const unknown = uniqueTelegramId();
      expect((await http.post('/compat/ozhivlyator/users').send({ chat_id: unknown }).expect(401)).body.code).toBe('AUTH_REQUIRED');
      expect((await http.post('/compat/ozhivlyator/users').set('api-key', 'wrong').send({ chat_id: unknown }).expect(401)).body.code).toBe(
        'AUTH_API_KEY_INVALID',
      );
      const bad = await post('/users').send({ chat_id: 'abc', advertising_source: 'not a tag!' }).expect(400);
      expect(bad.body).toEqual({ code: 'VALIDATION_FAILED', message: expect.any(String), details: { fields: expect.any(Array) } });
      expect(bad.body.details.fields.map((f: { field: string }) => f.field).sort()).toEqual(['advertising_source', 'chat_id']);
      await get(`/users/${unknown}`).expect(404);
    });
  });

  describe('GET /users/{chat_id}', () => {
    it('shows balance, streak, discount and YooKassa payments in the seed’s fields; 404 in the house shape for a stranger', async () => {
      const chatId = uniqueTelegramId();
      await createUser({ chat_id: chatId, referral_code: undefined }).expect(200);
      await fund(chatId, 7);
      await api.get(DailyBonusService).claim(await userIdOf(chatId));
      const payment = await post(`/users/${chatId}/create_payment`).send(seed.createPaymentRequest).expect(200);
      const res = await get(`/users/${chatId}`).expect(200);
      expect(seed003ShapeProblems(res.body, USER_EXAMPLES, USER_NULLABLE)).toEqual([]);
      const bonus = Number(((await api.get(SettingsService).get('daily_bonus_schedule')) as number[])[0]);
      expect(res.body).toMatchObject({
        chat_id: chatId,
        ozhivashki: 7 + bonus,
        generation_count: 0,
        first_generation_time: null,
        daily_bonus_claimed_today: true,
        daily_bonus_streak: 1,
        discount_offered: false,
        referred_by: null,
        yookassa_payments: {
          [payment.body.payment_id]: { status: 'pending', amount: '100.00', currency: 'RUB', ozhivashki: 1000, created_at: expect.any(String) },
        },
      });
      // Offered the one-time discount (as the worker's offer leaves it): seed 003's discount_offered.
      await api
        .get(DataSource)
        .query(
          `INSERT INTO discount_offers (user_id, tariff_id, percent, expires_at) SELECT $1, id, 30, now() + interval '1 day' FROM tariffs WHERE slug = 'credits-1000'`,
          [await userIdOf(chatId)],
        );
      expect((await get(`/users/${chatId}`).expect(200)).body.discount_offered).toBe(true);
      const missing = await get(`/users/${uniqueTelegramId()}`).expect(404);
      expect(missing.body).toEqual({ code: 'USER_NOT_FOUND', message: expect.any(String), details: expect.anything() });
      expect((await get('/users/not-a-number').expect(400)).body.code).toBe('VALIDATION_FAILED');
    });
  });

  describe('POST /generate', () => {
    it('brings a first drawing to life for free with bonus images, then charges one ozhivashka for the next', async () => {
      const chatId = uniqueTelegramId();
      await createUser({ chat_id: chatId, referral_code: undefined }).expect(200);
      await fund(chatId, 3);

      const first = await generate(chatId).expect(200);
      expect(seed003ShapeProblems(first.body, [seed.generateResponse])).toEqual([]);
      expect(first.body.main_images).toHaveLength(4);
      expect(first.body.bonus_images).toHaveLength(2);
      expect([...first.body.main_images, ...first.body.bonus_images].every(isPng)).toBe(true);
      expect(first.body).toMatchObject({ ozhivashki_spent: 0, new_balance: 3 });

      const second = await generate(chatId).expect(200);
      expect(second.body.main_images).toHaveLength(4);
      expect(second.body).toMatchObject({ bonus_images: [], ozhivashki_spent: 1, new_balance: 2 });

      const profile = (await get(`/users/${chatId}`).expect(200)).body;
      expect(profile).toMatchObject({
        ozhivashki: 2,
        generation_count: 2,
        first_generation_time: expect.any(String),
        last_generation_time: expect.any(String),
      });
      expect(profile.first_generation_time <= profile.last_generation_time).toBe(true);
    });

    it('answers 402 to a user who cannot pay, 400 without the image or chat_id, 404 for a stranger, and charges nothing', async () => {
      const chatId = uniqueTelegramId();
      await createUser({ chat_id: chatId, referral_code: undefined }).expect(200);
      await generate(chatId).expect(200); // the free first drawing
      const stored = async () =>
        Number((await api.get(DataSource).query(`SELECT count(*) FROM data_objects WHERE user_id = $1`, [await userIdOf(chatId)]))[0].count);
      const before = await stored();
      const broke = await generate(chatId).expect(402);
      expect(broke.body).toEqual({ code: 'LEDGER_INSUFFICIENT_CREDITS', message: expect.any(String), details: { amount: 1, available: 0 } });
      // Refused before the drawing was stored.
      expect(await stored()).toBe(before);
      expect((await post('/generate').field('chat_id', String(chatId)).expect(400)).body.details.fields).toEqual([{ field: 'image', problems: ['required'] }]);
      expect((await post('/generate').attach('image', drawing, { filename: 'd.png', contentType: 'image/png' }).expect(400)).body.details.fields).toEqual([
        { field: 'chat_id', problems: ['required'] },
      ]);
      expect((await generate(uniqueTelegramId()).expect(404)).body.code).toBe('USER_NOT_FOUND');
      expect((await get(`/users/${chatId}`).expect(200)).body).toMatchObject({ ozhivashki: 0, generation_count: 1 });
    });
  });

  describe('POST /users/{chat_id}/create_payment', () => {
    it('creates a YooKassa payment for the seed’s request and answers in its shape', async () => {
      const chatId = uniqueTelegramId();
      await createUser({ chat_id: chatId }).expect(200);
      const res = await post(`/users/${chatId}/create_payment`).send(seed.createPaymentRequest).expect(200);
      expect(seed003ShapeProblems(res.body, [seed.createPaymentResponse])).toEqual([]);
      expect(res.body.payment_url).toMatch(/^https?:\/\//);
      expect(yookassa.payment(res.body.payment_id)?.amount).toEqual({ value: '100.00', currency: 'RUB' });
      expect((await post(`/users/${uniqueTelegramId()}/create_payment`).send(seed.createPaymentRequest).expect(404)).body.code).toBe('USER_NOT_FOUND');
    });
  });

  it('leaves the ledger consistent', async () => {
    expect(await verifyLedger(api.get(DataSource))).toBeUndefined();
  });
});
