import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { TEST_API_KEY, backdateHold, signInitData, testConfig, uniqueTelegramId } from '@genbot/testing';
import { bootstrapPublicApi } from '../src/bootstrap';

const BOT_TOKEN = '5551234567:AAH-public-api-credits-test_000000000';
const CRM_API_KEY = 'crm-test-key-9876543210';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface TestUser {
  id: string;
  telegramId: string;
}

describe('public-api: credits (X-API-Key) and balances', () => {
  let app: NestFastifyApplication;
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    app = await bootstrapPublicApi(testConfig({ BOT_TOKEN, SERVICE_API_KEYS: `seedbot:${TEST_API_KEY},crm:${CRM_API_KEY}` }), { port: 0 });
    http = request(app.getHttpServer());
  });
  afterAll(() => app.close());

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    http
      .post(`/api/v1/${path}`)
      .set('X-API-Key', TEST_API_KEY)
      .set(headers)
      .send(body as object);
  const add = (body: Record<string, unknown>, headers: Record<string, string> = {}) => post('credits/add', { reason: 'e2e_bonus', ...body }, headers);
  const spend = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    post('credits/spend', { reason: 'ugc_video_creation', ...body }, headers);
  const hold = (body: Record<string, unknown>) => post('credits/holds', body);
  const capture = (holdId: string, body: Record<string, unknown> = {}) => post(`credits/holds/${holdId}/capture`, body);
  const release = (holdId: string) => post(`credits/holds/${holdId}/release`, {});
  const balanceOf = async (userId: string) => (await http.get(`/api/v1/users/${userId}/balance`).set('X-API-Key', TEST_API_KEY).expect(200)).body;

  /**
   * A registered user holding exactly `credits`. A welcome bonus, should the settings ever grant
   * one, is spent first so every figure below is exact; `extraTransactions` counts its entries.
   */
  const newUser = async (credits = 0): Promise<TestUser & { extraTransactions: number }> => {
    const res = await post('users/register-or-login', { telegramId: String(uniqueTelegramId()) }).expect(200);
    const user = { id: res.body.id as string, telegramId: res.body.telegramId as string };
    const welcome = res.body.balanceTokens as number;
    if (welcome > 0) await spend({ userId: user.id, amount: welcome }).expect(200);
    if (credits > 0) await add({ userId: user.id, amount: credits }).expect(200);
    return { ...user, extraTransactions: welcome > 0 ? 2 : 0 };
  };

  describe('POST /api/v1/credits/add', () => {
    it('adds by telegramId (number or string) or by userId and returns the balance after', async () => {
      const user = await newUser();
      const byNumber = await add({ telegramId: Number(user.telegramId), amount: 10 }).expect(200);
      expect(byNumber.body).toEqual({ success: true, userId: user.id, transferId: expect.stringMatching(UUID), balance: 10, available: 10, reserved: 0 });
      const byString = await add({ telegramId: user.telegramId, amount: 5 }).expect(200);
      expect(byString.body).toMatchObject({ userId: user.id, balance: 15, available: 15, reserved: 0 });
      const byUserId = await add({ userId: user.id, amount: 7, kind: 'purchase' }).expect(200);
      expect(byUserId.body).toMatchObject({ userId: user.id, balance: 22, available: 22, reserved: 0 });
      expect(new Set([byNumber.body.transferId, byString.body.transferId, byUserId.body.transferId]).size).toBe(3);
      expect(await balanceOf(user.id)).toEqual({ balanceTokens: 22, available: 22, reserved: 0 });
    });

    it('answers 404 for an unknown user and 400 unless exactly one of telegramId or userId is given', async () => {
      const user = await newUser(5);
      const unknownTelegram = await add({ telegramId: uniqueTelegramId(), amount: 1 }).expect(404);
      expect(unknownTelegram.body.code).toBe('USER_NOT_FOUND');
      const unknownId = await add({ userId: randomUUID(), amount: 1 }).expect(404);
      expect(unknownId.body.code).toBe('USER_NOT_FOUND');

      const both = await add({ telegramId: user.telegramId, userId: user.id, amount: 1 }).expect(400);
      expect(both.body).toMatchObject({ code: 'VALIDATION_FAILED', details: { fields: [{ field: 'telegramId' }] } });
      const neither = await add({ amount: 1 }).expect(400);
      expect(neither.body.code).toBe('VALIDATION_FAILED');
      expect(await balanceOf(user.id)).toEqual({ balanceTokens: 5, available: 5, reserved: 0 });
    });

    it.each([
      ['zero', 0],
      ['negative', -1],
      ['fractional', 1.5],
      ['a numeric string', '10'],
      ['above the safe integer range', Number.MAX_SAFE_INTEGER + 1],
      ['null', null],
    ])('refuses an amount that is %s with 400 and moves nothing', async (_, amount) => {
      const user = await newUser(5);
      const res = await add({ userId: user.id, amount }).expect(400);
      expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', details: { fields: [{ field: 'amount' }] } });
      await spend({ userId: user.id, amount }).expect(400);
      await hold({ userId: user.id, amount }).expect(400);
      expect(await balanceOf(user.id)).toEqual({ balanceTokens: 5, available: 5, reserved: 0 });
    });

    it('refuses a missing amount, a missing reason, a bad telegramId, an unknown kind or field with 400', async () => {
      const user = await newUser(5);
      const fieldsOf = (res: request.Response) => res.body.details.fields.map((f: { field: string }) => f.field);

      expect(fieldsOf(await post('credits/add', { userId: user.id, reason: 'x' }).expect(400))).toEqual(['amount']);
      expect(fieldsOf(await post('credits/add', { userId: user.id, amount: 1 }).expect(400))).toEqual(['reason']);
      expect(fieldsOf(await post('credits/spend', { userId: user.id, amount: 1 }).expect(400))).toEqual(['reason']);
      for (const telegramId of [0, -5, 1.5, '0123', 'abc', '', true]) {
        expect(fieldsOf(await add({ telegramId, amount: 1 }).expect(400))).toEqual(['telegramId']);
      }
      expect(fieldsOf(await add({ userId: 'not-a-uuid', amount: 1 }).expect(400))).toEqual(['userId']);
      expect(fieldsOf(await add({ userId: user.id, amount: 1, kind: 'charge' }).expect(400))).toEqual(['kind']);
      expect(fieldsOf(await add({ userId: user.id, amount: 1, isAdmin: true }).expect(400))).toEqual(['isAdmin']);
      expect(fieldsOf(await spend({ userId: user.id, amount: 1, force: true }).expect(400))).toEqual(['force']);
      expect(fieldsOf(await add({ userId: user.id, amount: 1, idempotencyKey: 'has space' }).expect(400))).toEqual(['idempotencyKey']);
      expect(await balanceOf(user.id)).toEqual({ balanceTokens: 5, available: 5, reserved: 0 });
    });

    it('refuses a Telegram id beyond PostgreSQL’s bigint with 400, never 500', async () => {
      // 9999999999999999999 > 2^63-1: it must be refused before it reaches PostgreSQL's bigint.
      const res = await add({ telegramId: '9999999999999999999', amount: 1 });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', details: { fields: [{ field: 'telegramId' }] } });
    });

    it('refuses a missing or unknown API key with 401', async () => {
      const user = await newUser();
      expect((await http.post('/api/v1/credits/add').send({ userId: user.id, amount: 1, reason: 'x' }).expect(401)).body.code).toBe('AUTH_REQUIRED');
      const wrong = await http.post('/api/v1/credits/spend').set('X-API-Key', 'nope').send({ userId: user.id, amount: 1, reason: 'x' }).expect(401);
      expect(wrong.body.code).toBe('AUTH_API_KEY_INVALID');
      const initData = signInitData(BOT_TOKEN, { user: { id: Number(user.telegramId), first_name: 'Mia' } });
      await http.post('/api/v1/credits/add').set('X-Telegram-Init-Data', initData).send({ userId: user.id, amount: 1, reason: 'x' }).expect(401);
      expect(await balanceOf(user.id)).toEqual({ balanceTokens: 0, available: 0, reserved: 0 });
    });
  });

  describe('POST /api/v1/credits/spend', () => {
    it('spends and returns the balance after; 402 when the available balance is short, moving nothing', async () => {
      const user = await newUser(50);
      const spent = await spend({ userId: user.id, amount: 20 }).expect(200);
      expect(spent.body).toEqual({ success: true, userId: user.id, transferId: expect.stringMatching(UUID), balance: 30, available: 30, reserved: 0 });

      const short = await spend({ telegramId: user.telegramId, amount: 31 }).expect(402);
      expect(short.body).toMatchObject({ code: 'LEDGER_INSUFFICIENT_CREDITS', message: 'Not enough credits' });
      expect(await balanceOf(user.id)).toEqual({ balanceTokens: 30, available: 30, reserved: 0 });

      // Reserved credits are not spendable: 30 posted, 25 held, 5 available.
      await hold({ userId: user.id, amount: 25 }).expect(201);
      expect((await spend({ userId: user.id, amount: 6 }).expect(402)).body.code).toBe('LEDGER_INSUFFICIENT_CREDITS');
      expect(await balanceOf(user.id)).toEqual({ balanceTokens: 30, available: 5, reserved: 25 });
      expect((await spend({ userId: user.id, amount: 5 }).expect(200)).body).toMatchObject({ balance: 25, available: 0, reserved: 25 });
    });

    it('never overdraws under simultaneous spends', async () => {
      const user = await newUser(50);
      const responses = await Promise.all(Array.from({ length: 8 }, () => spend({ userId: user.id, amount: 10 })));
      expect(responses.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 402, 402, 402]);
      expect(await balanceOf(user.id)).toEqual({ balanceTokens: 0, available: 0, reserved: 0 });
    });

    it('answers 404 for an unknown user', async () => {
      expect((await spend({ telegramId: String(uniqueTelegramId()), amount: 1 }).expect(404)).body.code).toBe('USER_NOT_FOUND');
    });
  });

  describe('idempotency', () => {
    it('moves credits once for the same key and body, and answers 409 for the same key with another amount', async () => {
      const user = await newUser(100);
      const key = `order-${randomUUID()}`;
      const first = await add({ userId: user.id, amount: 10, idempotencyKey: key }).expect(200);
      const retry = await add({ userId: user.id, amount: 10, idempotencyKey: key }).expect(200);
      expect(retry.body).toEqual(first.body);
      expect(first.body).toMatchObject({ balance: 110, available: 110 });

      const conflict = await add({ userId: user.id, amount: 11, idempotencyKey: key }).expect(409);
      expect(conflict.body).toMatchObject({ code: 'LEDGER_IDEMPOTENCY_CONFLICT', details: { idempotencyKey: expect.stringContaining(key) } });
      const otherUser = await newUser();
      expect((await add({ userId: otherUser.id, amount: 10, idempotencyKey: key }).expect(409)).body.code).toBe('LEDGER_IDEMPOTENCY_CONFLICT');

      const spent = await spend({ userId: user.id, amount: 30, idempotencyKey: key }).expect(200);
      const spentAgain = await spend({ userId: user.id, amount: 30, idempotencyKey: key }).expect(200);
      expect(spentAgain.body.transferId).toBe(spent.body.transferId);
      expect(spent.body.transferId).not.toBe(first.body.transferId);
      expect((await spend({ userId: user.id, amount: 29, idempotencyKey: key }).expect(409)).body.code).toBe('LEDGER_IDEMPOTENCY_CONFLICT');

      expect(await balanceOf(user.id)).toEqual({ balanceTokens: 80, available: 80, reserved: 0 });
      expect((await balanceOf(otherUser.id)).balanceTokens).toBe(0);
    });

    it('treats the Idempotency-Key header like the body field', async () => {
      const user = await newUser();
      const key = `hdr-${randomUUID()}`;
      const first = await add({ userId: user.id, amount: 10 }, { 'Idempotency-Key': key }).expect(200);
      const retry = await add({ userId: user.id, amount: 10 }, { 'Idempotency-Key': key }).expect(200);
      const viaBody = await add({ userId: user.id, amount: 10, idempotencyKey: key }).expect(200);
      expect(retry.body.transferId).toBe(first.body.transferId);
      expect(viaBody.body.transferId).toBe(first.body.transferId);
      expect((await add({ userId: user.id, amount: 12 }, { 'Idempotency-Key': key }).expect(409)).body.code).toBe('LEDGER_IDEMPOTENCY_CONFLICT');
      expect(await balanceOf(user.id)).toEqual({ balanceTokens: 10, available: 10, reserved: 0 });
    });

    it('answers an over-long Idempotency-Key header with 400, never 500, moving nothing', async () => {
      // The header becomes part of a varchar(255) ledger key: it gets the body field's limits.
      const user = await newUser(5);
      const res = await add({ userId: user.id, amount: 1 }, { 'Idempotency-Key': 'k'.repeat(250) });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(await balanceOf(user.id)).toEqual({ balanceTokens: 5, available: 5, reserved: 0 });
    });

    it('keeps the keys of different API clients apart', async () => {
      const user = await newUser();
      const key = `shared-${randomUUID()}`;
      const seedbot = await add({ userId: user.id, amount: 10, idempotencyKey: key }).expect(200);
      const crm = await http
        .post('/api/v1/credits/add')
        .set('X-API-Key', CRM_API_KEY)
        .send({ userId: user.id, amount: 10, reason: 'crm', idempotencyKey: key })
        .expect(200);
      expect(crm.body.transferId).not.toBe(seedbot.body.transferId);
      expect(crm.body.balance).toBe(20);
      const crmRetry = await http
        .post('/api/v1/credits/add')
        .set('X-API-Key', CRM_API_KEY)
        .send({ userId: user.id, amount: 10, reason: 'crm', idempotencyKey: key })
        .expect(200);
      expect(crmRetry.body.transferId).toBe(crm.body.transferId);
      // A different amount under the same key is only a conflict for the client that used it.
      const crmOther = await http
        .post('/api/v1/credits/spend')
        .set('X-API-Key', CRM_API_KEY)
        .send({ userId: user.id, amount: 3, reason: 'crm', idempotencyKey: key })
        .expect(200);
      expect(crmOther.body.balance).toBe(17);
      expect(await balanceOf(user.id)).toEqual({ balanceTokens: 17, available: 17, reserved: 0 });
    });
  });

  describe('holds', () => {
    it('reserves credits: available drops, reserved rises; a hold above available is 402', async () => {
      const user = await newUser(100);
      const before = Date.now();
      const res = await hold({ userId: user.id, amount: 30 }).expect(201);
      expect(res.body).toEqual({ holdId: expect.stringMatching(UUID), userId: user.id, amount: 30, expiresAt: expect.any(String) });
      const expiresIn = Date.parse(res.body.expiresAt) - before;
      expect(expiresIn).toBeGreaterThan(890_000);
      expect(expiresIn).toBeLessThan(910_000);
      expect(await balanceOf(user.id)).toEqual({ balanceTokens: 100, available: 70, reserved: 30 });

      const tooMuch = await hold({ telegramId: user.telegramId, amount: 71 }).expect(402);
      expect(tooMuch.body.code).toBe('LEDGER_INSUFFICIENT_CREDITS');
      expect(await balanceOf(user.id)).toEqual({ balanceTokens: 100, available: 70, reserved: 30 });

      const short = await hold({ userId: user.id, amount: 70, ttlSeconds: 60 }).expect(201);
      const shortIn = Date.parse(short.body.expiresAt) - Date.now();
      expect(shortIn).toBeGreaterThan(50_000);
      expect(shortIn).toBeLessThanOrEqual(60_000);
      expect(await balanceOf(user.id)).toEqual({ balanceTokens: 100, available: 0, reserved: 100 });
      // Resolved here: no worker runs in this suite to expire it, and ledger:verify follows the suite.
      await release(short.body.holdId).expect(200);
    });

    it('reserves once for the same key, and refuses a bad ttlSeconds with 400', async () => {
      const user = await newUser(100);
      const key = `hold-${randomUUID()}`;
      const first = await hold({ userId: user.id, amount: 30, idempotencyKey: key }).expect(201);
      const retry = await hold({ userId: user.id, amount: 30, idempotencyKey: key }).expect(201);
      expect(retry.body).toEqual(first.body);
      expect((await hold({ userId: user.id, amount: 31, idempotencyKey: key }).expect(409)).body.code).toBe('LEDGER_IDEMPOTENCY_CONFLICT');
      for (const ttlSeconds of [0, -1, 1.5, '60', 7 * 24 * 3600 + 1]) {
        const res = await hold({ userId: user.id, amount: 1, ttlSeconds }).expect(400);
        expect(res.body.details.fields.map((f: { field: string }) => f.field)).toEqual(['ttlSeconds']);
      }
      expect(await balanceOf(user.id)).toEqual({ balanceTokens: 100, available: 70, reserved: 30 });
    });

    it('captures all of a hold; a retry answers the same and moves nothing; release afterwards is 409', async () => {
      const user = await newUser(100);
      const { holdId } = (await hold({ userId: user.id, amount: 30 }).expect(201)).body;
      const captured = await capture(holdId).expect(200);
      expect(captured.body).toEqual({ holdId, captured: 30, released: 0, balance: 70, available: 70, reserved: 0 });
      const retry = await capture(holdId).expect(200);
      expect(retry.body).toEqual(captured.body);
      expect((await capture(holdId, { amount: 30 }).expect(200)).body).toEqual(captured.body);

      const late = await release(holdId).expect(409);
      expect(late.body).toMatchObject({ code: 'LEDGER_HOLD_ALREADY_RESOLVED', message: 'This hold was already captured' });
      expect(await balanceOf(user.id)).toEqual({ balanceTokens: 70, available: 70, reserved: 0 });
    });

    it('captures part of a hold and returns the rest; more than held is 409 and changes nothing', async () => {
      const user = await newUser(100);
      const { holdId } = (await hold({ userId: user.id, amount: 30 }).expect(201)).body;
      const over = await capture(holdId, { amount: 31 }).expect(409);
      expect(over.body).toMatchObject({ code: 'LEDGER_CAPTURE_EXCEEDS_HOLD', details: { holdId, held: 30, requested: 31 } });
      expect(await balanceOf(user.id)).toEqual({ balanceTokens: 100, available: 70, reserved: 30 });

      const part = await capture(holdId, { amount: 20 }).expect(200);
      expect(part.body).toEqual({ holdId, captured: 20, released: 10, balance: 80, available: 80, reserved: 0 });
      expect((await capture(holdId, { amount: 20 }).expect(200)).body).toEqual(part.body);
      expect((await capture(holdId, { amount: 25 }).expect(409)).body.code).toBe('LEDGER_IDEMPOTENCY_CONFLICT');
      expect(await balanceOf(user.id)).toEqual({ balanceTokens: 80, available: 80, reserved: 0 });
    });

    it('releases a hold back to the user; a retry answers the same; capture afterwards is 409', async () => {
      const user = await newUser(100);
      const { holdId } = (await hold({ userId: user.id, amount: 30 }).expect(201)).body;
      const released = await release(holdId).expect(200);
      expect(released.body).toEqual({ holdId, captured: 0, released: 30, balance: 100, available: 100, reserved: 0 });
      expect((await release(holdId).expect(200)).body).toEqual(released.body);

      const late = await capture(holdId).expect(409);
      expect(late.body).toMatchObject({ code: 'LEDGER_HOLD_ALREADY_RESOLVED', message: 'This hold was already released' });
      expect((await capture(holdId, { amount: 10 }).expect(409)).body.code).toBe('LEDGER_HOLD_ALREADY_RESOLVED');
      expect(await balanceOf(user.id)).toEqual({ balanceTokens: 100, available: 100, reserved: 0 });
    });

    it('answers 400 for a hold id that is not a UUID or a bad amount, 404 for an unknown hold', async () => {
      const user = await newUser(10);
      const notUuid = await capture('not-a-uuid').expect(400);
      expect(notUuid.body).toMatchObject({ code: 'VALIDATION_FAILED', details: { fields: [{ field: 'holdId' }] } });
      await release('123').expect(400);

      const unknown = randomUUID();
      expect((await capture(unknown).expect(404)).body).toMatchObject({ code: 'LEDGER_HOLD_NOT_FOUND', details: { holdId: unknown } });
      expect((await capture(unknown, { amount: 5 }).expect(404)).body.code).toBe('LEDGER_HOLD_NOT_FOUND');
      expect((await release(unknown).expect(404)).body.code).toBe('LEDGER_HOLD_NOT_FOUND');

      // A transfer that is not a hold is not a hold.
      const { transferId } = (await spend({ userId: user.id, amount: 1 }).expect(200)).body;
      expect((await capture(transferId).expect(404)).body.code).toBe('LEDGER_HOLD_NOT_FOUND');
      expect((await release(transferId).expect(404)).body.code).toBe('LEDGER_HOLD_NOT_FOUND');

      const { holdId } = (await hold({ userId: user.id, amount: 5 }).expect(201)).body;
      for (const amount of [0, -1, 1.5, '5']) await capture(holdId, { amount }).expect(400);
      await capture(holdId, { amount: 5, extra: true }).expect(400);
      expect(await balanceOf(user.id)).toEqual({ balanceTokens: 9, available: 4, reserved: 5 });
    });

    it('an expired hold cannot be captured or released, and its credits are back', async () => {
      const user = await newUser(100);
      const { holdId } = (await hold({ userId: user.id, amount: 30, ttlSeconds: 60 }).expect(201)).body;
      expect(await balanceOf(user.id)).toEqual({ balanceTokens: 100, available: 70, reserved: 30 });
      await backdateHold(app.get(DataSource), holdId);

      const res = await capture(holdId).expect(409);
      expect(res.body).toMatchObject({ code: 'LEDGER_HOLD_EXPIRED', details: { holdId } });
      expect(await balanceOf(user.id)).toEqual({ balanceTokens: 100, available: 100, reserved: 0 });
      expect((await capture(holdId, { amount: 10 }).expect(409)).body.code).toBe('LEDGER_HOLD_EXPIRED');
      expect((await release(holdId).expect(409)).body.code).toBe('LEDGER_HOLD_EXPIRED');
      expect(await balanceOf(user.id)).toEqual({ balanceTokens: 100, available: 100, reserved: 0 });
    });
  });

  describe('GET /api/v1/users/{id}/balance', () => {
    const initDataFor = (telegramId: string) => signInitData(BOT_TOKEN, { user: { id: Number(telegramId), first_name: 'Mia' } });

    it('gives the Mini App user their own balance by Telegram id', async () => {
      const user = await newUser(42);
      const res = await http.get(`/api/v1/users/${user.telegramId}/balance`).set('X-Telegram-Init-Data', initDataFor(user.telegramId)).expect(200);
      expect(res.body).toEqual({ balance: 42, available: 42, reserved: 0 });
      await hold({ userId: user.id, amount: 2 }).expect(201);
      const after = await http
        .get(`/api/v1/users/${user.telegramId}/balance`)
        .set('Authorization', `tma ${initDataFor(user.telegramId)}`)
        .expect(200);
      expect(after.body).toEqual({ balance: 42, available: 40, reserved: 2 });
    });

    it('forbids another user’s Telegram id with 403 and refuses a malformed one with 400', async () => {
      const me = await newUser(1);
      const other = await newUser(1);
      const forbidden = await http.get(`/api/v1/users/${other.telegramId}/balance`).set('X-Telegram-Init-Data', initDataFor(me.telegramId)).expect(403);
      expect(forbidden.body).toEqual({ code: 'USER_FORBIDDEN', message: 'You can only access your own data' });
      // The user UUID is the service clients' address, not the Mini App's.
      await http.get(`/api/v1/users/${me.id}/balance`).set('X-Telegram-Init-Data', initDataFor(me.telegramId)).expect(400);
      await http.get('/api/v1/users/abc/balance').set('X-Telegram-Init-Data', initDataFor(me.telegramId)).expect(400);
    });

    it('gives a service client any user’s balance by UUID; 400 for anything else, 404 for an unknown user', async () => {
      const user = await newUser(7);
      expect(await balanceOf(user.id)).toEqual({ balanceTokens: 7, available: 7, reserved: 0 });
      const byTelegramId = await http.get(`/api/v1/users/${user.telegramId}/balance`).set('X-API-Key', TEST_API_KEY).expect(400);
      expect(byTelegramId.body).toMatchObject({ code: 'VALIDATION_FAILED', details: { fields: [{ field: 'userId' }] } });
      await http.get('/api/v1/users/not-a-uuid/balance').set('X-API-Key', TEST_API_KEY).expect(400);
      expect((await http.get(`/api/v1/users/${randomUUID()}/balance`).set('X-API-Key', TEST_API_KEY).expect(404)).body.code).toBe('USER_NOT_FOUND');
      expect((await http.get(`/api/v1/users/${user.id}/balance`).expect(401)).body.code).toBe('AUTH_REQUIRED');
    });
  });

  describe('GET /api/v1/transactions', () => {
    const transactions = (query: string) => http.get(`/api/v1/transactions?${query}`).set('X-API-Key', TEST_API_KEY);

    it('lists seed 001 transactions newest first, with type, signed tokensDelta and status', async () => {
      const user = await newUser();
      const promo = (await add({ userId: user.id, amount: 100, reason: 'admin_bonus' }).expect(200)).body.transferId;
      const purchase = (await add({ userId: user.id, amount: 30, kind: 'purchase' }).expect(200)).body.transferId;
      const charge = (await spend({ userId: user.id, amount: 10 }).expect(200)).body.transferId;
      const open = (await hold({ userId: user.id, amount: 25 }).expect(201)).body.holdId;
      const partial = (await hold({ userId: user.id, amount: 5 }).expect(201)).body.holdId;
      await capture(partial, { amount: 3 }).expect(200);
      const released = (await hold({ userId: user.id, amount: 4 }).expect(201)).body.holdId;
      await release(released).expect(200);

      const res = await transactions(`userId=${user.id}`).expect(200);
      expect(res.headers['x-next-cursor']).toBeUndefined();
      expect(res.body).toHaveLength(5 + user.extraTransactions);
      const [first] = res.body;
      // No job, money, plan or reference behind a plain spend: seed 001 leaves such fields out.
      expect(Object.keys(first).sort()).toEqual(['createdAt', 'id', 'meta', 'provider', 'status', 'tokensDelta', 'type', 'userId'].sort());
      expect(first).toMatchObject({ userId: user.id, provider: 'manual' });
      expect(res.body.slice(0, 5).map((t: Record<string, unknown>) => [t.type, t.tokensDelta, t.status])).toEqual([
        ['charge', -3, 'success'],
        ['charge', -25, 'pending'],
        ['charge', -10, 'success'],
        ['purchase', 30, 'success'],
        ['promo', 100, 'success'],
      ]);
      expect(res.body.slice(1, 5).map((t: { id: string }) => t.id)).toEqual([open, charge, purchase, promo]);
      expect(res.body[4].meta).toMatchObject({ reason: 'admin_bonus', client: 'seedbot' });
      const times = res.body.map((t: { createdAt: string }) => Date.parse(t.createdAt));
      expect(times).toEqual([...times].sort((a, b) => b - a));
      expect(await balanceOf(user.id)).toEqual({ balanceTokens: 117, available: 92, reserved: 25 });
    });

    it('pages with limit and X-Next-Cursor without overlap', async () => {
      const user = await newUser();
      for (const amount of [1, 2, 3, 4, 5]) await add({ userId: user.id, amount }).expect(200);

      const pages: { tokensDelta: number; id: string }[][] = [];
      let cursor: string | undefined;
      do {
        const res = await transactions(`userId=${user.id}&limit=2${cursor ? `&cursor=${cursor}` : ''}`).expect(200);
        expect(res.body.length).toBeLessThanOrEqual(2);
        pages.push(res.body);
        cursor = res.headers['x-next-cursor'];
        if (cursor) expect(cursor).toBe(res.body[res.body.length - 1].id);
      } while (cursor && pages.length < 10);

      const all = (await transactions(`userId=${user.id}`).expect(200)).body;
      const paged = pages.flat();
      expect(paged.map((t) => t.id)).toEqual(all.map((t: { id: string }) => t.id));
      expect(new Set(paged.map((t) => t.id)).size).toBe(paged.length);
      expect(paged.slice(0, 5).map((t) => t.tokensDelta)).toEqual([5, 4, 3, 2, 1]);
      expect(pages.slice(0, 3).map((page) => page.length)).toEqual([2, 2, 1 + Math.min(user.extraTransactions, 1)]);
    });

    it('answers 400 for a missing or invalid userId, limit or cursor, and 404 for an unknown user', async () => {
      const user = await newUser();
      const fieldsOf = (res: request.Response) => res.body.details.fields.map((f: { field: string }) => f.field);
      expect(fieldsOf(await transactions('').expect(400))).toEqual(['userId']);
      expect(fieldsOf(await transactions('userId=not-a-uuid').expect(400))).toEqual(['userId']);
      expect(fieldsOf(await transactions(`userId=${user.id}&limit=abc`).expect(400))).toEqual(['limit']);
      expect(fieldsOf(await transactions(`userId=${user.id}&cursor=nope`).expect(400))).toEqual(['cursor']);
      expect(fieldsOf(await transactions(`userId=${user.id}&page=2`).expect(400))).toEqual(['page']);
      expect((await transactions(`userId=${randomUUID()}`).expect(404)).body.code).toBe('USER_NOT_FOUND');
      await http.get(`/api/v1/transactions?userId=${user.id}`).expect(401);
    });
  });
});
