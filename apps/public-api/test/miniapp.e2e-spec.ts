import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { TEST_API_KEY, signInitData, testConfig, uniqueTelegramId } from '@genbot/testing';
import { UsersService } from '@genbot/users';
import { bootstrapPublicApi } from '../src/bootstrap';

const BOT_TOKEN = '5551234567:AAH-public-api-test-token_0000000000';
const OTHER_BOT_TOKEN = '5557654321:AAH-some-other-bot-token_000000000';

describe('public-api: Mini App (initData)', () => {
  let app: NestFastifyApplication;
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    app = await bootstrapPublicApi(testConfig({ BOT_TOKEN, BOT_USERNAME: 'genbot_test_bot' }), { port: 0 });
    http = request(app.getHttpServer());
  });
  afterAll(() => app.close());

  const initDataFor = (id: number, extra: { authDate?: Date; startParam?: string; token?: string; language_code?: string } = {}) =>
    signInitData(extra.token ?? BOT_TOKEN, {
      user: { id, first_name: 'Mia', username: `mia${id}`, language_code: extra.language_code ?? 'uz' },
      authDate: extra.authDate,
      startParam: extra.startParam,
    });
  const sync = (initData: string) => http.post('/api/v1/users/sync').set('X-Telegram-Init-Data', initData).send({});

  it('creates the caller on sync and returns the profile; a second sync updates it', async () => {
    const id = uniqueTelegramId();
    const first = await sync(initDataFor(id)).expect(200);
    expect(first.body).toMatchObject({ telegramId: String(id), username: `mia${id}`, firstName: 'Mia', languageCode: 'uz', created: true, consentPd: false });
    const second = await http
      .post('/api/v1/users/sync')
      .set('Authorization', `tma ${signInitData(BOT_TOKEN, { user: { id, first_name: 'Mia', username: 'renamed' } })}`)
      .send({})
      .expect(200);
    expect(second.body).toMatchObject({ id: first.body.id, username: 'renamed', created: false, referralCode: first.body.referralCode });
  });

  it('links a referrer from the Mini App start parameter on first sync only', async () => {
    const inviter = (await sync(initDataFor(uniqueTelegramId())).expect(200)).body;
    const id = uniqueTelegramId();
    await sync(initDataFor(id, { startParam: `ref_${inviter.referralCode}` })).expect(200);
    const referrals = await http
      .get(`/api/v1/referrals/${inviter.telegramId}`)
      .set('X-Telegram-Init-Data', initDataFor(Number(inviter.telegramId)))
      .expect(200);
    expect(referrals.body).toEqual({
      referralCode: inviter.referralCode,
      referralLink: `https://t.me/genbot_test_bot?start=ref_${inviter.referralCode}`,
      invitedCount: 1,
      paidCount: 0,
      earnedCredits: 0,
    });
  });

  it('refuses missing, forged, stale and other-bot initData with 401', async () => {
    const id = uniqueTelegramId();
    const missing = await http.post('/api/v1/users/sync').send({}).expect(401);
    expect(missing.body).toEqual({ code: 'AUTH_REQUIRED', message: expect.stringContaining('X-Telegram-Init-Data') });

    const forged = initDataFor(id).replace(`mia${id}`, 'mallory');
    expect((await sync(forged).expect(401)).body.code).toBe('AUTH_INIT_DATA_INVALID');

    const stale = initDataFor(id, { authDate: new Date(Date.now() - 25 * 3600 * 1000) });
    expect((await sync(stale).expect(401)).body.code).toBe('AUTH_INIT_DATA_EXPIRED');

    const otherBot = initDataFor(id, { token: OTHER_BOT_TOKEN });
    expect((await sync(otherBot).expect(401)).body.code).toBe('AUTH_INIT_DATA_INVALID');

    const garbage = await sync('not-init-data').expect(401);
    expect(garbage.body.code).toBe('AUTH_INIT_DATA_INVALID');

    const rows = await app.get(DataSource).query('SELECT 1 FROM users WHERE telegram_id = $1', [id]);
    expect(rows).toHaveLength(0);
  });

  it('forbids another user’s Telegram id with 403', async () => {
    const me = uniqueTelegramId();
    const someoneElse = (await sync(initDataFor(uniqueTelegramId())).expect(200)).body;
    await sync(initDataFor(me)).expect(200);
    const res = await http.get(`/api/v1/referrals/${someoneElse.telegramId}`).set('X-Telegram-Init-Data', initDataFor(me)).expect(403);
    expect(res.body).toEqual({ code: 'USER_FORBIDDEN', message: 'You can only access your own data' });
    await http.get('/api/v1/referrals/abc').set('X-Telegram-Init-Data', initDataFor(me)).expect(400);
  });

  it('forbids a banned user with 403', async () => {
    const id = uniqueTelegramId();
    const { body: user } = await sync(initDataFor(id)).expect(200);
    // Read once more, so that the guard's cache holds the user before the ban.
    await http.get(`/api/v1/referrals/${id}`).set('X-Telegram-Init-Data', initDataFor(id)).expect(200);
    await app.get(UsersService).setBanned(user.id, true, 'spam');
    const res = await sync(initDataFor(id)).expect(403);
    expect(res.body.code).toBe('USER_BANNED');
    await http
      .post('/api/v1/users/register-or-login')
      .set('X-API-Key', TEST_API_KEY)
      .send({ telegramId: String(id) })
      .expect(403);
  });

  it('does not accept an API key on Mini App routes, nor initData on service routes', async () => {
    await http.post('/api/v1/users/sync').set('X-API-Key', TEST_API_KEY).send({}).expect(401);
    await http.post('/api/v1/users/register-or-login').set('X-Telegram-Init-Data', initDataFor(uniqueTelegramId())).send({ telegramId: '1' }).expect(401);
  });
});

describe('public-api: system endpoints and docs', () => {
  let app: NestFastifyApplication;
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    app = await bootstrapPublicApi(testConfig({ BOT_USERNAME: 'genbot_test_bot' }), { port: 0 });
    http = request(app.getHttpServer());
  });
  afterAll(() => app.close());

  it('GET /health is plain OK and /health/ready checks PostgreSQL and Redis', async () => {
    const res = await http.get('/health').expect(200);
    expect(res.text).toBe('OK');
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect((await http.get('/health/ready').expect(200)).body).toEqual({ status: 'ok', checks: { database: 'up', redis: 'up' } });
  });

  it('reports not ready (503) while Redis is unreachable, and still live', async () => {
    const cut = await bootstrapPublicApi(testConfig({ REDIS_URL: 'redis://127.0.0.1:1/0' }), { port: 0 });
    const res = await request(cut.getHttpServer()).get('/health/ready').expect(503);
    expect(res.body).toEqual({ status: 'unavailable', checks: { database: 'up', redis: 'down' } });
    await request(cut.getHttpServer()).get('/health').expect(200);
    await cut.close();
  });

  it('GET /api/v1/health echoes the request id it was given, and mints one otherwise', async () => {
    const given = await http.get('/api/v1/health').set('X-Request-ID', 'trace-abc.123').expect(200);
    expect(given.body).toEqual({ status: 'ok', uptime: expect.any(Number), requestId: 'trace-abc.123' });
    expect(given.headers['x-request-id']).toBe('trace-abc.123');
    const minted = await http.get('/api/v1/health').set('X-Request-ID', 'bad id with spaces').expect(200);
    expect(minted.body.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(minted.headers['x-request-id']).toBe(minted.body.requestId);
  });

  it('GET /api/v1/info describes the deployment', async () => {
    expect((await http.get('/api/v1/info').expect(200)).body).toMatchObject({ name: 'genbot', botUsername: 'genbot_test_bot', docs: '/docs' });
  });

  it('serves the OpenAPI document with both auth schemes and seed 001’s User schema', async () => {
    const doc = (await http.get('/docs-json').expect(200)).body;
    expect(doc.components.securitySchemes).toEqual({
      'api-key': expect.objectContaining({ type: 'apiKey', in: 'header', name: 'X-API-Key' }),
      'init-data': expect.objectContaining({ type: 'apiKey', in: 'header', name: 'X-Telegram-Init-Data' }),
    });
    expect(Object.keys(doc.components.schemas.ServiceUserDto.properties).sort()).toEqual(
      [
        'anonUserId',
        'avatarUrl',
        'balanceTokens',
        'consentPd',
        'createdAt',
        'email',
        'hasLeftReview',
        'id',
        'refCode',
        'referrerId',
        'telegramId',
        'updatedAt',
        'username',
      ].sort(),
    );
    const register = doc.paths['/api/v1/users/register-or-login'].post;
    expect(register.operationId).toBe('usersRegisterOrLogin');
    expect(register.security).toEqual([{ 'api-key': [] }]);
    expect(register.parameters).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'Idempotency-Key', in: 'header' })]));
    expect(doc.paths['/api/v1/users/sync'].post.security).toEqual([{ 'init-data': [] }]);
    await http.get('/docs').expect(200);
  });

  it('answers unknown routes with the error body', async () => {
    expect((await http.get('/api/v1/nope').expect(404)).body).toEqual({ code: 'NOT_FOUND', message: 'Route not found' });
  });

  it('refuses Mini App auth when no bot token is configured', async () => {
    const res = await http.post('/api/v1/users/sync').set('X-Telegram-Init-Data', 'query_id=1&hash=ab').send({}).expect(401);
    expect(res.body.message).toContain('BOT_TOKEN');
  });
});
