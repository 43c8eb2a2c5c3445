import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { CacheBus } from '@genbot/core';
import { signInitData, signLoginWidget, testConfig, uniqueTelegramId } from '@genbot/testing';
import { UsersService } from '@genbot/users';
import { bootstrapPublicApi } from '../src/bootstrap';

const BOT_TOKEN = '5551234567:AAH-public-api-sessions-token_00000';

/** Issue 11 / seed 004: first-party apps sign in once with Telegram, then call the Mini App endpoints with a bearer token. */
describe('public-api: user sessions for first-party apps', () => {
  let app: NestFastifyApplication;
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    app = await bootstrapPublicApi(testConfig({ BOT_TOKEN, JWT_SECRET: 'u'.repeat(40) }), { port: 0 });
    http = request(app.getHttpServer());
  });
  afterAll(() => app.close());

  const signIn = (body: object) => http.post('/api/v1/auth/telegram').send(body);
  const balance = (id: number, token: string) => http.get(`/api/v1/users/${id}/balance`).set('Authorization', `Bearer ${token}`);
  const refresh = (refreshToken: string) => http.post('/api/v1/auth/refresh').send({ refreshToken });

  it('signs in with initData, registers the user, and the bearer token opens the Mini App endpoints', async () => {
    const id = uniqueTelegramId();
    const res = await signIn({ initData: signInitData(BOT_TOKEN, { user: { id, first_name: 'Mia', username: 'mia', language_code: 'ru' } }) }).expect(200);
    expect(res.body).toEqual({
      accessToken: expect.any(String),
      refreshToken: expect.stringMatching(/^[\w-]{43}$/),
      tokenType: 'Bearer',
      expiresIn: 3600,
      user: { telegramId: String(id), username: 'mia', firstName: 'Mia', language: null, created: true },
    });
    expect((await balance(id, res.body.accessToken).expect(200)).body).toMatchObject({ balance: expect.any(Number) });
    // Only their own data, as with initData.
    expect((await balance(uniqueTelegramId(), res.body.accessToken).expect(403)).body.code).toBe('USER_FORBIDDEN');
    await http.get('/api/v1/generations/active').set('Authorization', `Bearer ${res.body.accessToken}`).expect(200);
  });

  it('signs in with a Login Widget payload; a second sign-in finds the same user', async () => {
    const id = uniqueTelegramId();
    const first = await signIn({ loginWidget: signLoginWidget(BOT_TOKEN, { id, first_name: 'Web' }) }).expect(200);
    expect(first.body.user).toMatchObject({ telegramId: String(id), created: true });
    const second = await signIn({ loginWidget: signLoginWidget(BOT_TOKEN, { id, first_name: 'Web' }) }).expect(200);
    expect(second.body.user.created).toBe(false);
    await balance(id, second.body.accessToken).expect(200);
  });

  it('rotates refresh tokens, and a stolen one used after the client rotated ends both', async () => {
    const id = uniqueTelegramId();
    const session = (await signIn({ loginWidget: signLoginWidget(BOT_TOKEN, { id, first_name: 'Rot' }) }).expect(200)).body;
    const client = (await refresh(session.refreshToken).expect(200)).body;
    expect(client).toMatchObject({ tokenType: 'Bearer', expiresIn: 3600 });
    await balance(id, client.accessToken).expect(200);
    expect((await refresh(session.refreshToken).expect(401)).body.code).toBe('AUTH_REFRESH_REUSED');
    expect((await balance(id, client.accessToken).expect(401)).body.code).toBe('AUTH_TOKEN_INVALID');
    expect((await refresh(client.refreshToken).expect(401)).body.code).toBe('AUTH_REFRESH_REUSED');
  });

  it('logout ends the session', async () => {
    const id = uniqueTelegramId();
    const session = (await signIn({ loginWidget: signLoginWidget(BOT_TOKEN, { id, first_name: 'Out' }) }).expect(200)).body;
    await http.post('/api/v1/auth/logout').send({ refreshToken: session.refreshToken }).expect(204);
    await balance(id, session.accessToken).expect(401);
    await refresh(session.refreshToken).expect(401);
  });

  it('refuses a banned user on the bearer path at once, and their refresh', async () => {
    const id = uniqueTelegramId();
    const session = (await signIn({ loginWidget: signLoginWidget(BOT_TOKEN, { id, first_name: 'Ban' }) }).expect(200)).body;
    const users = app.get(UsersService);
    await users.setBanned((await users.getByTelegramId(String(id))).id, true, 'spam');
    await app.get(CacheBus).sync();
    expect((await balance(id, session.accessToken).expect(403)).body.code).toBe('USER_BANNED');
    expect((await refresh(session.refreshToken).expect(403)).body.code).toBe('USER_BANNED');
    expect((await signIn({ loginWidget: signLoginWidget(BOT_TOKEN, { id, first_name: 'Ban' }) }).expect(403)).body.code).toBe('USER_BANNED');
  });

  it('refuses forged sign-ins, both or neither credential, and tokens that are not user access tokens', async () => {
    const id = uniqueTelegramId();
    const forged = { ...signLoginWidget(BOT_TOKEN, { id, first_name: 'Eve' }), id: id + 1 };
    expect((await signIn({ loginWidget: forged }).expect(401)).body.code).toBe('AUTH_LOGIN_INVALID');
    expect((await signIn({ initData: 'user=%7B%7D&hash=00' }).expect(401)).body.code).toMatch(/^AUTH_INIT_DATA/);
    expect((await signIn({}).expect(400)).body.code).toBe('VALIDATION_FAILED');
    const initData = signInitData(BOT_TOKEN, { user: { id, first_name: 'Two' } });
    expect((await signIn({ initData, loginWidget: signLoginWidget(BOT_TOKEN, { id, first_name: 'Two' }) }).expect(400)).body.code).toBe('VALIDATION_FAILED');
    const session = (await signIn({ initData }).expect(200)).body;
    // A refresh token is no access token, and the initData path still works beside the bearer one.
    expect((await balance(id, session.refreshToken).expect(401)).body.code).toBe('AUTH_TOKEN_INVALID');
    await http.get(`/api/v1/users/${id}/balance`).set('X-Telegram-Init-Data', initData).expect(200);
    // users/sync needs initData to sync from.
    expect((await http.post('/api/v1/users/sync').set('Authorization', `Bearer ${session.accessToken}`).send({}).expect(401)).body.code).toBe(
      'AUTH_INIT_DATA_MISSING',
    );
  });
});
