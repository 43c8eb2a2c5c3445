import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { TEST_API_KEY, testConfig, uniqueTelegramId } from '@genbot/testing';
import { bootstrapPublicApi } from '../src/bootstrap';

/** Issue 7 items 10 and 12: nulls, amount bounds and idempotency keys on the credits endpoints. */
describe('public-api: credits bounds and idempotency', () => {
  let app: NestFastifyApplication;
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    app = await bootstrapPublicApi(testConfig(), { port: 0 });
    http = request(app.getHttpServer());
  });
  afterAll(() => app.close());

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    http
      .post(`/api/v1/${path}`)
      .set('X-API-Key', TEST_API_KEY)
      .set(headers)
      .send(body as object);
  const add = (body: Record<string, unknown>, headers: Record<string, string> = {}) => post('credits/add', { reason: 'e2e', ...body }, headers);
  const balanceOf = async (userId: string) =>
    (await http.get(`/api/v1/users/${userId}/balance`).set('X-API-Key', TEST_API_KEY).expect(200)).body.balanceTokens as number;
  const newUser = async () => {
    const res = await post('users/register-or-login', { telegramId: String(uniqueTelegramId()) }).expect(200);
    const welcome = res.body.balanceTokens as number;
    if (welcome > 0) await post('credits/spend', { userId: res.body.id, amount: welcome, reason: 'reset' }).expect(200);
    return { id: res.body.id as string, telegramId: res.body.telegramId as string };
  };
  const fields = (body: { details?: { fields?: { field: string }[] } }) => (body.details?.fields ?? []).map((f) => f.field);

  it.each(['userId', 'telegramId', 'idempotencyKey', 'kind'])('refuses %s: null with 400 naming it', async (field) => {
    const user = await newUser();
    const target = field === 'userId' ? {} : { userId: user.id };
    const res = await add({ ...target, amount: 1, [field]: null }).expect(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(fields(res.body)).toContain(field);
    expect(await balanceOf(user.id)).toBe(0);
  });

  it('refuses amount: null, ttlSeconds: null and a capture amount: null with 400', async () => {
    const user = await newUser();
    expect(fields((await add({ userId: user.id, amount: null }).expect(400)).body)).toContain('amount');
    await add({ userId: user.id, amount: 10 }).expect(200);
    expect(fields((await post('credits/holds', { userId: user.id, amount: 1, ttlSeconds: null }).expect(400)).body)).toContain('ttlSeconds');
    const hold = (await post('credits/holds', { userId: user.id, amount: 2 }).expect(201)).body;
    expect(fields((await post(`credits/holds/${hold.holdId}/capture`, { amount: null }).expect(400)).body)).toContain('amount');
  });

  it('moves at most 10^12 credits in one transfer; more is a 400 naming amount, and refunds keep working', async () => {
    const user = await newUser();
    await add({ userId: user.id, amount: 1e12, kind: 'refund' }).expect(200);
    for (const amount of [1e12 + 1, Number.MAX_SAFE_INTEGER, 1e15, 1e19]) {
      const res = await add({ userId: user.id, amount, kind: 'refund' }).expect(400);
      expect(fields(res.body)).toEqual(['amount']);
    }
    // 1 024 adds of MAX_SAFE_INTEGER once overflowed the refunds account; now each is refused and a normal refund passes.
    const refused = await Promise.all(Array.from({ length: 32 }, () => add({ userId: user.id, amount: Number.MAX_SAFE_INTEGER, kind: 'refund' })));
    expect(new Set(refused.map((r) => r.status))).toEqual(new Set([400]));
    await add({ userId: user.id, amount: 5, kind: 'refund' }).expect(200);
    expect(await balanceOf(user.id)).toBe(1e12 + 5);
    expect((await post('credits/holds', { userId: user.id, amount: 1e12 + 1 }).expect(400)).body.code).toBe('VALIDATION_FAILED');
  });

  describe('idempotency keys', () => {
    it('answers 400 when the Idempotency-Key header and the body idempotencyKey differ, moving nothing', async () => {
      const user = await newUser();
      const res = await add({ userId: user.id, amount: 3, idempotencyKey: `body-${randomUUID()}` }, { 'Idempotency-Key': `header-${randomUUID()}` }).expect(
        400,
      );
      expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', details: { fields: [{ field: 'idempotencyKey' }] } });
      expect(await balanceOf(user.id)).toBe(0);
      const key = randomUUID();
      await add({ userId: user.id, amount: 3, idempotencyKey: key }, { 'Idempotency-Key': key }).expect(200);
      await add({ userId: user.id, amount: 3 }, { 'Idempotency-Key': key }).expect(200);
      expect(await balanceOf(user.id)).toBe(3);
    });

    it('replays a retry whose fields come in another order or name the user the other way; another reason is 409', async () => {
      const user = await newUser();
      const key = randomUUID();
      const first = await http
        .post('/api/v1/credits/add')
        .set('X-API-Key', TEST_API_KEY)
        .set('Content-Type', 'application/json')
        .send(`{"userId":"${user.id}","amount":4,"reason":"promo","idempotencyKey":"${key}"}`)
        .expect(200);
      const reordered = await http
        .post('/api/v1/credits/add')
        .set('X-API-Key', TEST_API_KEY)
        .set('Content-Type', 'application/json')
        .send(`{"idempotencyKey":"${key}","reason":"promo","amount":4,"userId":"${user.id}"}`)
        .expect(200);
      expect(reordered.body.transferId).toBe(first.body.transferId);
      const byTelegram = await add({ telegramId: user.telegramId, amount: 4, reason: 'promo', idempotencyKey: key }).expect(200);
      expect(byTelegram.body.transferId).toBe(first.body.transferId);
      expect((await add({ userId: user.id, amount: 4, reason: 'other', idempotencyKey: key }).expect(409)).body.code).toBe('LEDGER_IDEMPOTENCY_CONFLICT');
      expect(await balanceOf(user.id)).toBe(4);
    });

    it('treats a hold retry with another ttlSeconds as a different request (409)', async () => {
      const user = await newUser();
      await add({ userId: user.id, amount: 10 }).expect(200);
      const key = randomUUID();
      const first = await post('credits/holds', { userId: user.id, amount: 2, ttlSeconds: 600, idempotencyKey: key }).expect(201);
      expect((await post('credits/holds', { ttlSeconds: 600, amount: 2, userId: user.id, idempotencyKey: key }).expect(201)).body.holdId).toBe(
        first.body.holdId,
      );
      expect((await post('credits/holds', { userId: user.id, amount: 2, ttlSeconds: 60, idempotencyKey: key }).expect(409)).body.code).toBe(
        'LEDGER_IDEMPOTENCY_CONFLICT',
      );
    });

    it('fingerprints @Idempotent routes canonically: the same fields reordered replay, other values are 409', async () => {
      const key = randomUUID();
      const telegramId = String(uniqueTelegramId());
      const send = (raw: string) =>
        http
          .post('/api/v1/users/register-or-login')
          .set('X-API-Key', TEST_API_KEY)
          .set('Idempotency-Key', key)
          .set('Content-Type', 'application/json')
          .send(raw);
      const first = await send(`{"telegramId":"${telegramId}","username":"ann"}`).expect(200);
      const again = await send(`{"username":"ann","telegramId":"${telegramId}"}`).expect(200);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body).toEqual(first.body);
      expect((await send(`{"username":"bob","telegramId":"${telegramId}"}`).expect(409)).body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    });
  });
});
