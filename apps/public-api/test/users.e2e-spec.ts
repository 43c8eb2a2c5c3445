import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { bootstrapPublicApi } from '../src/bootstrap';
import { TEST_API_KEY, seed001ContractCheck, testConfig, uniqueTelegramId } from '@genbot/testing';

describe('public-api: seed 001 users (X-API-Key)', () => {
  let app: NestFastifyApplication;
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    app = await bootstrapPublicApi(testConfig(), { port: 0 });
    http = request(app.getHttpServer());
  });
  afterAll(() => app.close());

  const register = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    http.post('/api/v1/users/register-or-login').set('X-API-Key', TEST_API_KEY).set(headers).send(body);

  it('registers a new user and returns seed 001’s User schema', async () => {
    const telegramId = String(uniqueTelegramId());
    const res = await register({ telegramId, username: 'alice', anonUserId: 'web-1' }).expect(200);
    // Seed 001 types these fields without null: what the user lacks (email, avatar, referrer) is left out.
    expect(Object.keys(res.body).sort()).toEqual(
      ['anonUserId', 'balanceTokens', 'consentPd', 'createdAt', 'hasLeftReview', 'id', 'refCode', 'telegramId', 'updatedAt', 'username'].sort(),
    );
    expect(res.body).toMatchObject({ telegramId, username: 'alice', anonUserId: 'web-1', consentPd: false, hasLeftReview: false, balanceTokens: 0 });
    expect(res.body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body.refCode).toMatch(/^[a-z0-9]{8}$/);

    const again = await register({ telegramId }).expect(200);
    expect(again.body).toMatchObject({ id: res.body.id, username: 'alice', refCode: res.body.refCode });
  });

  it('links a referrer by refCode once, on first registration only, never to oneself', async () => {
    const inviter = (await register({ telegramId: String(uniqueTelegramId()) })).body;
    const other = (await register({ telegramId: String(uniqueTelegramId()) })).body;
    const inviteeId = String(uniqueTelegramId());

    const first = await register({ telegramId: inviteeId, refCode: inviter.refCode.toUpperCase() }).expect(200);
    expect(first.body.referrerId).toBe(inviter.id);
    const relinked = await register({ telegramId: inviteeId, refCode: other.refCode }).expect(200);
    expect(relinked.body.referrerId).toBe(inviter.id);

    const existing = await register({ telegramId: String(uniqueTelegramId()) });
    const late = await register({ telegramId: existing.body.telegramId, refCode: inviter.refCode }).expect(200);
    expect(late.body).not.toHaveProperty('referrerId');

    const selfId = String(uniqueTelegramId());
    const self = (await register({ telegramId: selfId })).body;
    expect((await register({ telegramId: selfId, refCode: self.refCode })).body).not.toHaveProperty('referrerId');

    const unknownCode = await register({ telegramId: String(uniqueTelegramId()), refCode: 'nosuchcode' }).expect(200);
    expect(unknownCode.body).not.toHaveProperty('referrerId');
  });

  it('makes one user of twenty simultaneous register-or-login calls', async () => {
    const telegramId = String(uniqueTelegramId());
    const responses = await Promise.all(Array.from({ length: 20 }, () => register({ telegramId })));
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(new Set(responses.map((r) => r.body.id)).size).toBe(1);
  });

  it('replays an Idempotency-Key and refuses it for a different body', async () => {
    const telegramId = String(uniqueTelegramId());
    const key = `idem-${telegramId}`;
    const first = await register({ telegramId, username: 'first' }, { 'Idempotency-Key': key }).expect(200);
    await register({ telegramId, username: 'changed' }).expect(200);
    const replay = await register({ telegramId, username: 'first' }, { 'Idempotency-Key': key }).expect(200);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(first.body);
    const conflict = await register({ telegramId, username: 'other' }, { 'Idempotency-Key': key }).expect(409);
    expect(conflict.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('gets a user by id and records consent', async () => {
    const user = (await register({ telegramId: String(uniqueTelegramId()) })).body;
    const got = await http.get(`/api/v1/users/${user.id}`).set('X-API-Key', TEST_API_KEY).expect(200);
    expect(got.body).toEqual(user);
    const consented = await http.patch(`/api/v1/users/${user.id}/consent`).set('X-API-Key', TEST_API_KEY).send({ consentPd: true }).expect(200);
    expect(consented.body.consentPd).toBe(true);
    expect((await http.get(`/api/v1/users/${user.id}`).set('X-API-Key', TEST_API_KEY)).body.consentPd).toBe(true);
  });

  it('is watched by the seed 001 contract check (every e2e file is: see libs/testing/src/jest)', async () => {
    const check = seed001ContractCheck()!;
    const before = check.checked;
    await register({ telegramId: String(uniqueTelegramId()) }).expect(200);
    await http.get('/api/v1/users/not-a-uuid').set('X-API-Key', TEST_API_KEY).expect(400);
    expect(check.checked).toBe(before + 2);
  });

  it('says hasLeftReview once the user’s review was accepted', async () => {
    const user = (await register({ telegramId: String(uniqueTelegramId()) })).body;
    expect(user.hasLeftReview).toBe(false);
    // The review check (issue 13) records the time; here the row is set as it would leave it.
    await app.get(DataSource).query(`UPDATE users SET reviewed_at = now() WHERE id = $1`, [user.id]);
    const got = await http.get(`/api/v1/users/${user.id}`).set('X-API-Key', TEST_API_KEY).expect(200);
    expect(got.body).toMatchObject({ id: user.id, hasLeftReview: true });
  });

  it('answers 400 for bad input and 404 for an unknown user, changing nothing', async () => {
    const wrongType = await register({ telegramId: 12345 }).expect(400);
    expect(wrongType.body).toMatchObject({ code: 'VALIDATION_FAILED', details: { fields: [{ field: 'telegramId' }] } });
    const unknownField = await register({ telegramId: '12345', isAdmin: true }).expect(400);
    expect(unknownField.body.details.fields.map((f: { field: string }) => f.field)).toEqual(['isAdmin']);
    const notUuid = await http.get('/api/v1/users/not-a-uuid').set('X-API-Key', TEST_API_KEY).expect(400);
    expect(notUuid.body.code).toBe('VALIDATION_FAILED');
    const missing = await http.get('/api/v1/users/00000000-0000-4000-8000-000000000000').set('X-API-Key', TEST_API_KEY).expect(404);
    expect(missing.body).toMatchObject({ code: 'USER_NOT_FOUND', message: 'User not found' });
    await http.patch('/api/v1/users/00000000-0000-4000-8000-000000000000/consent').set('X-API-Key', TEST_API_KEY).send({ consentPd: 'yes' }).expect(400);
  });

  it('answers malformed JSON with 400, never 500', async () => {
    const res = await http
      .post('/api/v1/users/register-or-login')
      .set('X-API-Key', TEST_API_KEY)
      .set('Content-Type', 'application/json')
      .send('{"telegramId": "1",')
      .expect(400);
    expect(res.body).toEqual({ code: 'MALFORMED_JSON', message: expect.any(String) });
  });

  it('refuses a missing or wrong API key with 401', async () => {
    const missing = await http.post('/api/v1/users/register-or-login').send({ telegramId: '1' }).expect(401);
    expect(missing.body.code).toBe('AUTH_REQUIRED');
    const wrong = await http.get('/api/v1/users/00000000-0000-4000-8000-000000000000').set('X-API-Key', 'nope').expect(401);
    expect(wrong.body).toEqual({ code: 'AUTH_API_KEY_INVALID', message: 'Invalid API key' });
  });
});
